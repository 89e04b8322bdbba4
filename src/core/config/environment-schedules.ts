// The schedules of an environment: `schedules:` of every project.yaml from the root ancestor
// down, merged as everything else (a child changes a key, or turns a schedule off with `null`).
// `kind` and `cron` may come from different layers, so they are required of the merge, not of
// each file.
import type { ConfigProblem } from '../errors.js';
import { isPlainObject } from './config-file.js';
import { ancestry, type ConfigTree } from './config-tree.js';
import { mergedProject } from './merged-project.js';
import { positionOf } from './positions.js';
import type { ScheduleConfig, ScheduleKindName } from './schema.js';
import { compareText } from '../text/compare-text.js';

export interface EnvironmentSchedule {
  env: string;
  /** The key under `schedules:`. */
  name: string;
  kind: ScheduleKindName;
  cron: string;
  /** IANA name; UTC when the config names none. */
  timeZone: string;
  /** `channel`, else the environment's `slack.channels.info`; none when neither is set. */
  channel?: string;
}

export const DEFAULT_TIME_ZONE = 'UTC';

interface Merged {
  schedules: Record<string, ScheduleConfig>;
  infoChannel: string | undefined;
}

function scheduleSettings(tree: ConfigTree, env: string): Merged {
  const merged = mergedProject(tree, env);
  const schedules = isPlainObject(merged.schedules) ? (merged.schedules as Record<string, ScheduleConfig>) : {};
  return { schedules, infoChannel: merged.slack?.channels?.info };
}

/** The environment's complete schedules, by name; incomplete ones are left out (scheduleProblems reports them). */
export function schedulesOf(tree: ConfigTree, env: string): EnvironmentSchedule[] {
  const { schedules, infoChannel } = scheduleSettings(tree, env);
  const out: EnvironmentSchedule[] = [];
  for (const [name, s] of Object.entries(schedules).sort(([a], [b]) => compareText(a, b))) {
    if (s.kind === undefined || s.cron === undefined) continue;
    const channel = s.channel ?? infoChannel;
    out.push({ env, name, kind: s.kind, cron: s.cron, timeZone: s.time_zone ?? DEFAULT_TIME_ZONE, ...(channel ? { channel } : {}) });
  }
  return out;
}

/** Every environment's schedules, environments in name order. */
export function allSchedules(tree: ConfigTree): EnvironmentSchedule[] {
  return [...tree.environments.keys()].sort().flatMap((env) => schedulesOf(tree, env));
}

/** A merged schedule without `kind` or `cron`, placed at its key in the last file that declares it. */
export function scheduleProblems(tree: ConfigTree): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  for (const env of tree.environments.keys()) {
    const chain = ancestry(tree, env);
    for (const [name, schedule] of Object.entries(scheduleSettings(tree, env).schedules)) {
      const missing = (['kind', 'cron'] as const).filter((key) => schedule[key] === undefined);
      if (missing.length === 0) continue;
      const declaring = chain.map((n) => n.project).reverse().find((p) => isPlainObject(p.data.schedules) && isPlainObject(p.data.schedules[name]))!;
      const pos = positionOf(declaring, declaring.file.text, ['schedules', name], true);
      const message = `schedule "${name}" has no ${missing.join(' nor ')} (set it here or in an ancestor's project.yaml)`;
      const problem = { file: declaring.file.path, ...pos, keyPath: `schedules.${name}`, message };
      problems.set(`${problem.file}:${problem.line}:${name}`, problem);
    }
  }
  return [...problems.values()];
}
