// The one check of a Kubernetes CronJob schedule, for config files (`crons:`) and Cronfiles alike.
// Stricter than cron-parser: five fields (no seconds), no @reboot, no L, W or # (Kubernetes' cron
// library has none of them). Macros are checked by name (cron-parser cannot read @midnight,
// which Kubernetes accepts). Results are cached by expression: the same few schedules come back
// for every app in every environment, and parsing one costs 50–200 µs.
import { CronExpressionParser } from 'cron-parser';

export const CRON_MACROS: ReadonlySet<string> = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const UNSUPPORTED = /#|(^|[\s,])(\d*L|\d+W|LW)(?=$|[\s,])/;
const MAX_CACHED = 1024;
const VALID = '';
const cache = new Map<string, string>();

/** Forgets the checks made (the CLI's startup snapshot is built after checking the example config). */
export function clearCronChecks(): void {
  cache.clear();
}

/** Why a schedule is not a valid Kubernetes CronJob schedule, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  let problem = cache.get(expression);
  if (problem === undefined) {
    problem = check(expression.trim()) ?? VALID;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(expression, problem);
  }
  return problem === VALID ? undefined : problem;
}

function check(schedule: string): string | undefined {
  const fields = schedule.split(/\s+/);
  if (fields.length === 1 && schedule.startsWith('@')) {
    return CRON_MACROS.has(schedule) ? undefined : `unknown schedule ${schedule} (use ${[...CRON_MACROS].join(', ')})`;
  }
  if (fields.length !== 5) return `expected five fields (minute hour day month weekday), got ${fields.length}`;
  if (UNSUPPORTED.test(schedule)) return 'L, W and # are not supported by Kubernetes CronJobs';
  try {
    CronExpressionParser.parse(schedule, { strict: false });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
