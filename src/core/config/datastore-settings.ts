// The datastores of an environment, from `datastores:` merged down its project.yaml files and
// its apps' files (a datastore of an app file belongs to that app: its lock, its pods), and where
// their snapshots are kept (`datastore_snapshots:`, snapshot-settings.ts). Checked with the tree: a connection is a
// setting or a Secret, never a literal that could carry a password into git; `source` names an
// environment; `app` an app of the environment; a datastore-nightly schedule has something to reset.
import type { ConfigProblem } from '../errors.js';
import { closestWord } from '../text/did-you-mean.js';
import { isPlainObject, type ParsedFile } from './config-file.js';
import { ancestry, appsOf, type ConfigTree } from './config-tree.js';
import { schedulesOf } from './environment-schedules.js';
import { mergeLayers } from './merge.js';
import { ENV_REFERENCE } from './schema-constants.js';
import type { DatastoreConfig, DatastoreKindName } from './schema.js';
import { snapshotProblems } from './snapshot-settings.js';
import { lastDeclaring, problemAt } from './sync-settings.js';
import { compareText } from '../text/compare-text.js';

/** Where a datastore's connection (a URL, password included) is read at run time. */
export type DatastoreConnection = { setting: string } | { secret: string; key: string };

export interface DatastoreSettings {
  env: string;
  name: string;
  kind: DatastoreKindName;
  /** Absent for a kubernetes-job, whose Job finds its store's credentials in the app's own ConfigMap and Secret. */
  connection?: DatastoreConnection;
  /** The environment whose file sets `connection`: a setting set for another one names that environment's store. */
  connectionFrom?: string;
  /** The environment whose snapshots a reset restores (its own when the config names none). */
  source: string;
  /** `reset: allowed` (the default) and, where the environment needs approval, `allow_in_production`. */
  resetAllowed: boolean;
  allowInProduction: boolean;
  resetNightly: boolean;
  scaleDown: boolean;
  /** The app whose lock a reset takes (and whose pods `scaleDown` scales); always set for a kubernetes-job. */
  app?: string;
  /** A kubernetes-job's Job; set for that kind only. */
  job?: DatastoreJobSettings;
}

export interface DatastoreJobSettings {
  image: string;
  snapshotCommand: string;
  restoreCommand: string;
  deadlineSeconds?: number;
}

interface Declared {
  config: DatastoreConfig;
  /** The files that declare it, lowest precedence first. */
  files: ParsedFile[];
  /** The app of the files it comes from, if an app file declared it. */
  ownerApp?: string;
}

const datastoresIn = (file: ParsedFile): Record<string, unknown> => (isPlainObject(file.data.datastores) ? file.data.datastores : {});

/**
 * Every datastore of the environment as merged, complete or not. The closer environment wins:
 * layers go from the root down, each environment's project.yaml then its app files, so that
 * `dev3/project.yaml` can give dev3 its own connection for a datastore `production/apps/mary.yaml`
 * declares.
 */
function declaredIn(tree: ConfigTree, env: string): Map<string, Declared> {
  const layers: { file: ParsedFile; app?: string }[] = ancestry(tree, env).flatMap((node) => [
    { file: node.project },
    ...[...node.apps].sort(([a], [b]) => compareText(a, b)).map(([app, file]) => ({ file, app })),
  ]);
  const merged = mergeLayers(layers.map(({ file }) => ({ file: file.file, data: { datastores: datastoresIn(file) } })));
  const out = new Map<string, Declared>();
  for (const [name, config] of Object.entries(isPlainObject(merged.datastores) ? merged.datastores : {})) {
    const declaring = layers.filter(({ file }) => datastoresIn(file)[name] !== undefined);
    const ownerApp = declaring.filter((layer) => layer.app !== undefined).at(-1)?.app;
    out.set(name, { config: config as DatastoreConfig, files: declaring.map((layer) => layer.file), ...(ownerApp ? { ownerApp } : {}) });
  }
  return out;
}

function connectionOf(value: DatastoreConfig['connection']): DatastoreConnection | undefined {
  if (typeof value === 'string') {
    const setting = ENV_REFERENCE.exec(value)?.[1];
    return setting === undefined ? undefined : { setting };
  }
  return value ? { secret: value.secret, key: value.key } : undefined;
}

/** The environment folder a file of the tree is in. */
const environmentOf = (file: ParsedFile | undefined): string => file?.file.path.split('/')[0] ?? '';

function jobOf({ job }: DatastoreConfig): DatastoreJobSettings | undefined {
  if (!job?.image || !job.snapshot_command || !job.restore_command) return undefined;
  return {
    image: job.image, snapshotCommand: job.snapshot_command, restoreCommand: job.restore_command,
    ...(job.deadline_seconds === undefined ? {} : { deadlineSeconds: job.deadline_seconds }),
  };
}

/** What a complete datastore of its kind lacks: `kind` and `connection`, or for a kubernetes-job its Job and app. */
function missingKeys(config: DatastoreConfig, ownerApp: string | undefined): string[] {
  if (config.kind === undefined) return ['kind'];
  if (config.kind !== 'kubernetes-job') return config.connection === undefined ? ['connection'] : [];
  const job = (['image', 'snapshot_command', 'restore_command'] as const).filter((key) => config.job?.[key] === undefined).map((key) => `job.${key}`);
  return [...job, ...(config.app ?? ownerApp ? [] : ['app'])];
}

function settingsOf(env: string, name: string, { config, ownerApp, files }: Declared): DatastoreSettings | undefined {
  const connection = connectionOf(config.connection);
  const job = jobOf(config);
  if (config.kind === undefined || missingKeys(config, ownerApp).length > 0) return undefined;
  if (config.kind !== 'kubernetes-job' && connection === undefined) return undefined;
  const app = config.app ?? ownerApp;
  return {
    env, name, kind: config.kind,
    ...(connection && config.kind !== 'kubernetes-job' ? { connection, connectionFrom: environmentOf(lastDeclaring(files, ['datastores', name, 'connection'])) } : {}),
    source: config.source ?? env,
    resetAllowed: config.reset !== 'forbidden',
    allowInProduction: config.allow_in_production === true,
    resetNightly: config.reset_nightly === true,
    scaleDown: config.scale_down === true,
    ...(app ? { app } : {}),
    ...(job ? { job } : {}),
  };
}

/** The environment's complete datastores, by name; incomplete ones are left out (datastoreProblems reports them). */
export function datastoresOf(tree: ConfigTree, env: string): DatastoreSettings[] {
  return [...declaredIn(tree, env)]
    .sort(([a], [b]) => compareText(a, b))
    .flatMap(([name, declared]) => settingsOf(env, name, declared) ?? []);
}

/** The datastores a datastore-nightly schedule of `sourceEnv` resets: every environment's that opts in and comes from it. */
export function nightlyResets(tree: ConfigTree, sourceEnv: string): DatastoreSettings[] {
  return [...tree.environments.keys()].sort()
    .filter((env) => env !== sourceEnv)
    .flatMap((env) => datastoresOf(tree, env).filter((d) => d.resetNightly && d.source === sourceEnv));
}

const LITERAL_CONNECTION = 'a literal connection is refused (an address or password does not belong in git): name a setting ($NAME) or a Secret ({ secret: NAME, key: KEY })';

function datastoreProblemsOf(tree: ConfigTree, env: string, add: (p: ConfigProblem) => void): void {
  const envs = [...tree.environments.keys()];
  const apps = appsOf(tree, env);
  for (const [name, declared] of declaredIn(tree, env)) {
    const at = (key: string): ParsedFile => lastDeclaring(declared.files, ['datastores', name, key]) ?? declared.files.at(-1)!;
    const path = (key?: string): string[] => ['datastores', name, ...(key ? [key] : [])];
    for (const file of declared.files) {
      const connection = (datastoresIn(file)[name] as DatastoreConfig | null)?.connection;
      if (typeof connection === 'string' && !ENV_REFERENCE.test(connection)) add(problemAt(file, path('connection'), LITERAL_CONNECTION));
    }
    const missing = missingKeys(declared.config, declared.ownerApp);
    if (missing.length > 0) {
      add(problemAt(declared.files.at(-1)!, path(), `datastore "${name}" has no ${missing.join(' nor ')} (set it here or in an ancestor's file)`));
    }
    const { source, app } = declared.config;
    if (source !== undefined && !tree.environments.has(source)) {
      const guess = closestWord(source, envs);
      add(problemAt(at('source'), path('source'), `unknown environment "${source}"${guess ? ` (did you mean "${guess}"?)` : ''}`));
    }
    if (app !== undefined && !apps.includes(app)) {
      const guess = closestWord(app, apps);
      add(problemAt(at('app'), path('app'), `unknown app "${app}"${guess ? ` (did you mean "${guess}"?)` : ''}`));
    }
    if (declared.config.reset_nightly === true && declared.config.reset === 'forbidden') {
      add(problemAt(at('reset_nightly'), path('reset_nightly'), `datastore "${name}" resets nightly but its reset is forbidden`));
    }
  }
}

export function datastoreProblems(tree: ConfigTree): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  const add = (problem: ConfigProblem): void => {
    problems.set(`${problem.file}:${problem.line}:${problem.message}`, problem);
  };
  for (const env of tree.environments.keys()) {
    datastoreProblemsOf(tree, env, add);
    for (const schedule of schedulesOf(tree, env)) {
      if (schedule.kind !== 'datastore-nightly' || nightlyResets(tree, env).length > 0) continue;
      const file = lastDeclaring(ancestry(tree, env).map((n) => n.project), ['schedules', schedule.name, 'kind']);
      if (file) add(problemAt(file, ['schedules', schedule.name], `schedule "${schedule.name}" is a datastore-nightly but no datastore comes from ${env} with reset_nightly: true`));
    }
  }
  return [...problems.values(), ...snapshotProblems(tree)];
}
