// `nestor schedules` and `/nestor schedules`: each schedule of the config with its next firing
// and its last run; `nestor schedule run <env>/<name>` fires one now, as the same job a schedule
// fires (same run record, same report). Data only: the CLI and Slack render it.
import { CronExpressionParser } from 'cron-parser';
import { allSchedules, type EnvironmentSchedule } from '../config/environment-schedules.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { ScheduleQueue, ScheduleRun, ScheduleRuns } from '../ports/schedules.js';
import { ErrorCode, NestorError } from '../errors.js';
import { closestWord } from '../text/did-you-mean.js';
import { cronPattern, schedulerId } from './desired-schedulers.js';

export interface ScheduleDeps {
  config: ConfigSource;
  queue: ScheduleQueue;
  runs: ScheduleRuns;
}

export interface ScheduleListing {
  id: string;
  schedule: EnvironmentSchedule;
  /** From the queue; computed from the cron when the queue has no scheduler for it yet (no worker reconciled). */
  next: Date | undefined;
  /** Whether a worker has put the schedule on the queue (false: it fires once a worker reconciles). */
  scheduled: boolean;
  last: ScheduleRun | undefined;
  /** Firings skipped since the last run started, the previous run still going on. */
  skipped: number;
}

function nextByCron(schedule: EnvironmentSchedule, now: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(cronPattern(schedule.cron), { currentDate: now, tz: schedule.timeZone }).next().toDate();
  } catch {
    return undefined;
  }
}

export async function listSchedules(deps: ScheduleDeps, now: Date): Promise<ScheduleListing[]> {
  const schedules = allSchedules((await deps.config.load()).tree);
  const ids = schedules.map(schedulerId);
  const [next, records] = await Promise.all([deps.queue.nextFirings(), deps.runs.records(ids)]);
  return schedules.map((schedule, i) => {
    const id = ids[i]!;
    const queued = next.get(id);
    const record = records.get(id);
    return { id, schedule, next: queued ?? nextByCron(schedule, now), scheduled: queued !== undefined, last: record?.last, skipped: record?.skipped ?? 0 };
  });
}

/** `staging/staging-release`, or a bare name when only one environment has a schedule of that name. */
export function findSchedule(schedules: readonly EnvironmentSchedule[], ref: string): EnvironmentSchedule {
  const [env, name] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
  const matches = schedules.filter((s) => s.name === name && (env === undefined || s.env === env));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new NestorError(ErrorCode.BadInput, `schedule "${ref}" is in several environments: say which (${matches.map((s) => `${s.env}/${s.name}`).join(', ')})`);
  }
  const refs = schedules.map((s) => `${s.env}/${s.name}`);
  const guess = closestWord(env === undefined ? ref : `${env}/${name}`, env === undefined ? schedules.map((s) => s.name) : refs);
  const known = refs.length ? `; schedules: ${refs.join(', ')}` : '; the config has no schedules';
  throw new NestorError(ErrorCode.ConfigNotFound, `unknown schedule "${ref}"${guess ? ` (did you mean "${guess}"?)` : known}`);
}

export interface FiredNow {
  schedule: EnvironmentSchedule;
  firingId: string;
}

/** Queues a firing of the schedule now; a worker runs it as any firing (skipped if a run goes on). */
export async function runScheduleNow(deps: Omit<ScheduleDeps, 'runs'>, ref: string, by: string): Promise<FiredNow> {
  const schedule = findSchedule(allSchedules((await deps.config.load()).tree), ref);
  const firingId = await deps.queue.fireNow(schedule, by);
  return { schedule, firingId };
}
