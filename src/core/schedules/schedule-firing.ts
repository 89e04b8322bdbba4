// One firing of a schedule, as a worker runs it: the schedule read from the config now (one
// removed or turned off since it was queued does nothing), then at most one run at a time per
// schedule: a firing that comes while the previous run goes on is skipped and counted (the next
// run's record says how many), never stacked. A firing that already ran (a job delivered again)
// does nothing; one whose worker died mid-run is taken over under the same id.
import type { EnvironmentSchedule } from '../config/environment-schedules.js';
import { isNestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ScheduleRun, ScheduleRuns } from '../ports/schedules.js';
import { schedulerId } from './desired-schedulers.js';
import type { ScheduleHandlers } from './schedule-handlers.js';

export interface FiringDeps {
  handlers: ScheduleHandlers;
  runs: ScheduleRuns;
  /** Every schedule of the current config (the config is fetched: a firing runs what it says now). */
  schedules(): Promise<readonly EnvironmentSchedule[]>;
  clock: Clock;
  /** How long a run holds its schedule without renewing (renewed every third of it). Default 60 s. */
  holdMs?: number;
}

export interface Firing {
  env: string;
  name: string;
  firingId: string;
  firedAt: Date;
  trigger: 'schedule' | 'now';
  by?: string;
}

export type FiringResult =
  | { result: 'ran'; run: ScheduleRun }
  | { result: 'skipped'; why: 'overlap' | 'done' | 'not-in-config'; text: string };

const DEFAULT_HOLD_MS = 60_000;

function messageOf(error: unknown): string {
  if (isNestorError(error)) return error.userMessage;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

export async function runFiring(deps: FiringDeps, firing: Firing, signal: AbortSignal): Promise<FiringResult> {
  const id = schedulerId(firing);
  const schedule = (await deps.schedules()).find((s) => s.env === firing.env && s.name === firing.name);
  if (!schedule) return { result: 'skipped', why: 'not-in-config', text: `schedule ${firing.env}/${firing.name} is no longer in the config` };
  const holdMs = deps.holdMs ?? DEFAULT_HOLD_MS;
  const started: ScheduleRun = {
    firingId: firing.firingId, trigger: firing.trigger, ...(firing.by ? { by: firing.by } : {}),
    firedAt: firing.firedAt.toISOString(), startedAt: new Date(deps.clock.now()).toISOString(), status: 'running', skippedBefore: 0,
  };
  const begun = await deps.runs.begin(id, started, holdMs);
  if (begun.begun === 'overlap') return { result: 'skipped', why: 'overlap', text: `skipped: the run of firing ${begun.running} still goes on` };
  if (begun.begun === 'done') return { result: 'skipped', why: 'done', text: `firing ${firing.firingId} already ran` };
  const run = { ...started, skippedBefore: begun.skippedBefore };
  const renewing = keepHold(deps, id, firing.firingId, holdMs, signal);
  try {
    const outcome = await deps.handlers[schedule.kind]({ env: schedule.env, schedule, firedAt: firing.firedAt, firingId: firing.firingId, signal });
    return { result: 'ran', run: await finish(deps, id, { ...run, status: 'succeeded', outcome }) };
  } catch (error) {
    return { result: 'ran', run: await finish(deps, id, { ...run, status: 'failed', error: messageOf(error) }) };
  } finally {
    renewing.abort();
  }
}

async function finish(deps: FiringDeps, id: string, run: ScheduleRun): Promise<ScheduleRun> {
  const finished = { ...run, finishedAt: new Date(deps.clock.now()).toISOString() };
  await deps.runs.finish(id, finished);
  return finished;
}

/** Renews the hold every third of it until aborted (the run ended, or the worker stops). */
function keepHold(deps: FiringDeps, id: string, firingId: string, holdMs: number, outer: AbortSignal): AbortController {
  const stop = new AbortController();
  const stopped = AbortSignal.any([stop.signal, outer]);
  void (async () => {
    for (;;) {
      await deps.clock.sleep(holdMs / 3, stopped);
      if (stopped.aborted) return;
      await deps.runs.renew(id, firingId, holdMs).catch(() => undefined);
    }
  })();
  return stop;
}
