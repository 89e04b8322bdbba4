// What each kind of schedule does: a handler per kind, run once per firing (schedule-firing.ts).
// Kinds whose pipeline is not built yet fail their firings with a message saying so; the worker
// passes the real handlers as they come (staging release, version and config sync, report).
import type { EnvironmentSchedule } from '../config/environment-schedules.js';
import { SCHEDULE_KINDS } from '../config/schema-constants.js';
import type { ScheduleKindName } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';

export interface ScheduleContext {
  env: string;
  schedule: EnvironmentSchedule;
  /** When the firing was due (for "run now", when it was asked for). */
  firedAt: Date;
  /**
   * The firing's id, the same on every attempt of one firing (a worker that died mid-run is
   * taken over under it): what a handler keys its own idempotence on.
   */
  firingId: string;
  /** Aborted when the worker stops before the run ends. */
  signal: AbortSignal;
}

/** What a run did, for the listing and the next report: counts by what happened, and one text. */
export interface ScheduleOutcome {
  /** e.g. `{ released: 2, unchanged: 128, failed: 0 }`. */
  counts: Readonly<Record<string, number>>;
  text: string;
}

export type ScheduleHandler = (ctx: ScheduleContext) => Promise<ScheduleOutcome>;
export type ScheduleHandlers = Readonly<Record<ScheduleKindName, ScheduleHandler>>;

const unavailable = (kind: ScheduleKindName): ScheduleHandler => async () => {
  throw new NestorError(ErrorCode.BadInput, `schedules of kind ${kind} are not available yet`);
};

/** A handler for every kind: those given, and for the others one that fails as not available yet. */
export function scheduleHandlers(given: Partial<ScheduleHandlers> = {}): ScheduleHandlers {
  const all = {} as Record<ScheduleKindName, ScheduleHandler>;
  for (const kind of SCHEDULE_KINDS) all[kind] = given[kind] ?? unavailable(kind);
  return all;
}
