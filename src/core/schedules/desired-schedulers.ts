// From the loaded config to the BullMQ job schedulers it asks for: every environment × its
// merged schedules, each under a stable id, so that reconciling is a comparison of ids and specs.
import { allSchedules, type EnvironmentSchedule } from '../config/environment-schedules.js';
import type { ConfigTree } from '../config/config-tree.js';
import type { DesiredScheduler } from '../ports/schedules.js';

/** The job scheduler id of a schedule: `nestor:<env>:<name>`. */
export function schedulerId(target: { env: string; name: string }): string {
  return `nestor:${target.env}:${target.name}`;
}

// cron-parser (BullMQ's) reads some of these, not all (@midnight): each written out.
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/** The five-field form of a schedule's cron (validated by the config already). */
export function cronPattern(cron: string): string {
  const trimmed = cron.trim();
  return MACROS[trimmed] ?? trimmed.split(/\s+/).join(' ');
}

export function desiredScheduler(schedule: EnvironmentSchedule): DesiredScheduler {
  const pattern = cronPattern(schedule.cron);
  return {
    id: schedulerId(schedule), env: schedule.env, name: schedule.name, pattern, timeZone: schedule.timeZone,
    spec: JSON.stringify([schedule.kind, pattern, schedule.timeZone]),
  };
}

export function desiredSchedulers(tree: ConfigTree): DesiredScheduler[] {
  return allSchedules(tree).map(desiredScheduler);
}
