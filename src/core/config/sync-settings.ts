// Which syncs an environment opts in to, from `release:` merged down its project.yaml files:
// `version_sync` (its apps move to the versions another environment runs, a person's deploy
// holding an app for `hold_hours`) and `config_sync` (the running version is released again when
// the merged config changed). Checked with the tree: `from` names another environment, and a
// version-sync or config-sync schedule is only declared where the environment opts in.
import type { ConfigProblem } from '../errors.js';
import { closestWord } from '../text/did-you-mean.js';
import { isPlainObject, type ParsedFile } from './config-file.js';
import { ancestry, type ConfigTree } from './config-tree.js';
import { schedulesOf } from './environment-schedules.js';
import { mergedProject } from './merged-project.js';
import { positionOf } from './positions.js';
import type { ScheduleKindName } from './schema.js';

export const DEFAULT_VERSION_SOURCE = 'staging';
export const DEFAULT_HOLD_HOURS = 24;

export interface VersionSyncSettings {
  /** The environment whose versions the apps follow. */
  from: string;
  /** How long a person's deploy holds an app at its version. */
  holdHours: number;
}

export interface SyncSettings {
  versionSync?: VersionSyncSettings;
  configSync: boolean;
}

export function syncSettings(tree: ConfigTree, env: string): SyncSettings {
  const release = mergedProject(tree, env).release;
  const version = release?.version_sync;
  return {
    ...(version ? { versionSync: { from: version.from ?? DEFAULT_VERSION_SOURCE, holdHours: version.hold_hours ?? DEFAULT_HOLD_HOURS } } : {}),
    configSync: release?.config_sync === true,
  };
}

const OPT_IN: Partial<Record<ScheduleKindName, { key: 'version_sync' | 'config_sync'; example: string }>> = {
  'version-sync': { key: 'version_sync', example: 'version_sync: { from: staging }' },
  'config-sync': { key: 'config_sync', example: 'config_sync: true' },
};

/** The last of `files` (lowest precedence first) whose data has `path`. */
export function lastDeclaring(files: readonly ParsedFile[], path: readonly string[]): ParsedFile | undefined {
  return [...files].reverse().find((p) => {
    let node: unknown = p.data;
    for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
    return node !== undefined;
  });
}

/** The last project.yaml of the environment's ancestry (the environment's own first) whose data has `path`. */
const declaring = (tree: ConfigTree, env: string, path: readonly string[]): ParsedFile | undefined =>
  lastDeclaring(ancestry(tree, env).map((n) => n.project), path);

export function problemAt(file: ParsedFile, path: string[], message: string): ConfigProblem {
  return { file: file.file.path, ...positionOf(file, file.file.text, path, true), keyPath: path.join('.'), message };
}

export function syncProblems(tree: ConfigTree): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  const add = (problem: ConfigProblem): void => {
    problems.set(`${problem.file}:${problem.line}:${problem.message}`, problem);
  };
  const names = [...tree.environments.keys()];
  for (const env of names) {
    const { versionSync, configSync } = syncSettings(tree, env);
    const fromPath = ['release', 'version_sync', 'from'];
    const fromFile = declaring(tree, env, fromPath) ?? declaring(tree, env, fromPath.slice(0, 2));
    if (versionSync && fromFile && !tree.environments.has(versionSync.from)) {
      const guess = closestWord(versionSync.from, names);
      add(problemAt(fromFile, fromPath, `unknown environment "${versionSync.from}" to follow${guess ? ` (did you mean "${guess}"?)` : ''}`));
    } else if (versionSync && fromFile && versionSync.from === env) {
      add(problemAt(fromFile, fromPath, `${env} can't follow its own versions: name another environment (default: ${DEFAULT_VERSION_SOURCE})`));
    }
    for (const schedule of schedulesOf(tree, env)) {
      const optIn = OPT_IN[schedule.kind];
      if (!optIn || (optIn.key === 'version_sync' ? versionSync : configSync)) continue;
      const file = declaring(tree, env, ['schedules', schedule.name, 'kind']);
      if (!file) continue;
      add(problemAt(file, ['schedules', schedule.name], `schedule "${schedule.name}" is a ${schedule.kind} but ${env} does not opt in: set release: { ${optIn.example} } in ${env}/project.yaml or an ancestor's`));
    }
  }
  return [...problems.values()];
}
