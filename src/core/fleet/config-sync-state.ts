// Whether an app's config in an environment is out of sync: its merged config now, hashed as the
// release pipeline hashes it (with the running version's Procfile and Cronfile), differs from the
// hash recorded with its last release. The history records the manifests of a release, not the
// config it was merged from, so the change is told as the keys that differ between the recorded
// manifests and a render of the running version with the current config: variables by name,
// other fields as `Kind/name path`. Secret objects are left out (their values never show); a
// secret added or removed shows in the containers' env; a variable read from Nestor's
// environment (`$NAME`) shows masked, as it may be a credential.
import { appConfig, ENV_REFERENCE, SECRET_MASK, type AppConfig } from '../config/index.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { KubeObject } from '../ports/cluster.js';
import { configuredConfig, renderConfiguredApp } from '../render/index.js';
import { runningVersion, type RunningVersion } from '../release/config-change-steps.js';
import type { ReleaseDeps } from '../release/release-deps.js';
import { manifestsOf } from '../release/restore-release.js';
import { configHash } from '../release/run-release.js';
import { compareText } from '../text/compare-text.js';

export type ConfigSyncDeps = Pick<ReleaseDeps, 'config' | 'source' | 'history' | 'environment'>;

export const KeyChange = { Added: 'added', Changed: 'changed', Removed: 'removed' } as const;
export type KeyChange = (typeof KeyChange)[keyof typeof KeyChange];

export interface ConfigKeyChange {
  /** `FOO` for a variable; `Deployment/mary-web spec.replicas` for another field (`dev-b: ...` first when the app has several clusters). */
  key: string;
  change: KeyChange;
  before?: string;
  after?: string;
}

export interface ConfigSyncState {
  app: string;
  env: string;
  outOfSync: boolean;
  /** Why there is nothing to compare (no release yet, disabled); then outOfSync is false. */
  notRunning?: string;
  /** The version a config sync re-releases: the latest recorded release. */
  running?: RunningVersion;
  /** The app's config merged now: what a config sync releases. */
  merged?: AppConfig;
  /** The hash of the config now (the recorded one is `running.configHash`). */
  currentHash?: string;
  /** What differs, when out of sync; sorted by key. */
  changes: ConfigKeyChange[];
}

export interface ConfigSyncOptions {
  /** The config as the caller loaded it (one load for a whole environment). */
  loaded?: LoadedConfig;
  /** Leave the changes out (no render, no read of the recorded manifests): the report's count only needs the answer. */
  withoutChanges?: boolean;
}

export async function configOutOfSync(deps: ConfigSyncDeps, app: string, env: string, options: ConfigSyncOptions = {}): Promise<ConfigSyncState> {
  const loaded = options.loaded ?? (await deps.config.load());
  const merged = appConfig(loaded.tree, app, env);
  const { running, notRunning } = await runningVersion(deps, merged.config, app, env);
  if (!running) return { app, env, outOfSync: false, ...(notRunning ? { notRunning } : {}), changes: [] };
  const currentHash = configHash(configuredConfig(merged, deps.environment), running.procfile, running.cronfile);
  const outOfSync = currentHash !== running.configHash;
  const changes = outOfSync && !options.withoutChanges ? await changedKeys(deps, loaded, merged, running, app, env) : [];
  return { app, env, outOfSync, running, merged, currentHash, changes };
}

/** The recorded manifests of the latest release against the running version rendered with the current config. */
async function changedKeys(
  deps: ConfigSyncDeps, loaded: LoadedConfig, merged: AppConfig, running: RunningVersion, app: string, env: string,
): Promise<ConfigKeyChange[]> {
  const release = await deps.history.get(app, env);
  if (!release) return [];
  const now = renderConfiguredApp({
    tree: loaded.tree, templates: loaded.templates, app, env, merged, environment: deps.environment, version: running.version,
    ...(running.procfile === undefined ? {} : { procfile: running.procfile }),
    ...(running.cronfile === undefined ? {} : { cronfile: running.cronfile }),
  }).clusters;
  const recorded = manifestsOf(release, new Map(), env);
  const clusters = [...new Set([...recorded.map((c) => c.cluster), ...now.map((c) => c.cluster)])];
  const prefix = (cluster: string): string => (clusters.length > 1 ? `${cluster}: ` : '');
  const masked = referencedVariables(merged);
  return clusters.flatMap((cluster) => diffKeys(masked,
    keysOf(recorded.find((c) => c.cluster === cluster)?.objects ?? [], prefix(cluster)),
    keysOf(now.find((c) => c.cluster === cluster)?.objects ?? [], prefix(cluster)),
  )).sort((a, b) => compareText(a.key, b.key));
}

/** Derived from the variables (shown by name) and the live Secret: they change with them, so they tell nothing more. */
const DERIVED = new Set(['spec.template.metadata.annotations.nestor.io/config-hash', 'spec.jobTemplate.spec.template.metadata.annotations.nestor.io/config-hash']);
const LONGEST_VALUE = 80;
/** Where the variables (the ConfigMap's data) are kept apart: a variable is named alone. Object keys hold a `/`. */
const VARIABLES = 'variables';
const isVariables = (object: string): boolean => !object.includes('/');

/** Per object (`Deployment/mary-web`, VARIABLES), its fields' values by path. */
function keysOf(objects: readonly KubeObject[], prefix: string): Map<string, Map<string, string>> {
  const keys = new Map<string, Map<string, string>>();
  for (const object of objects) {
    if (object.kind === 'Secret') continue;
    const fields = new Map<string, string>();
    const { data, ...rest } = object as KubeObject & { data?: Record<string, unknown> };
    if (object.kind === 'ConfigMap' && data) keys.set(`${prefix}${VARIABLES}`, new Map(Object.entries(data).map(([k, v]) => [k, String(v)])));
    leaves(object.kind === 'ConfigMap' ? rest : object, '', (path, value) => {
      if (!DERIVED.has(path)) fields.set(path, value);
    });
    keys.set(`${prefix}${object.kind}/${object.metadata.name}`, fields);
  }
  return keys;
}

/** Each leaf with its path; list items with a name are addressed by it (`env[FOO]`), so an insertion moves nothing. */
function leaves(value: unknown, path: string, visit: (path: string, value: string) => void): void {
  if (Array.isArray(value)) {
    if (value.length === 0) visit(path, '[]');
    value.forEach((item, i) => leaves(item, `${path}[${nameOf(item) ?? i}]`, visit));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) visit(path, '{}');
    for (const [key, item] of entries) leaves(item, path ? `${path}.${key}` : key, visit);
  } else {
    visit(path, String(value));
  }
}

function nameOf(item: unknown): string | undefined {
  const name = (item as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

const cut = (value: string): string => (value.length > LONGEST_VALUE ? `${value.slice(0, LONGEST_VALUE - 1)}…` : value);

/** An object added or removed is one change, not one per field. */
/** Variables whose value is read from Nestor's environment (`$NAME`). */
function referencedVariables(merged: AppConfig): Set<string> {
  const names = new Set<string>();
  for (const vars of Object.values(merged.config.variables ?? {})) {
    for (const [key, raw] of Object.entries(vars ?? {})) if (typeof raw === 'string' && ENV_REFERENCE.test(raw)) names.add(key);
  }
  return names;
}

function diffKeys(masked: ReadonlySet<string>, before: Map<string, Map<string, string>>, after: Map<string, Map<string, string>>): ConfigKeyChange[] {
  const changes: ConfigKeyChange[] = [];
  for (const [object, fields] of before) {
    const next = after.get(object);
    if (next || isVariables(object)) changes.push(...diffFields(object, fields, next ?? new Map(), masked));
    else changes.push({ key: object, change: KeyChange.Removed });
  }
  for (const [object, fields] of after) {
    if (isVariables(object) && !before.has(object)) changes.push(...diffFields(object, new Map(), fields, masked));
    else if (!before.has(object)) changes.push({ key: object, change: KeyChange.Added });
  }
  return changes;
}

function diffFields(object: string, before: Map<string, string>, after: Map<string, string>, masked: ReadonlySet<string>): ConfigKeyChange[] {
  const key = (path: string): string => (isVariables(object) ? `${object.slice(0, -VARIABLES.length)}${path}` : `${object} ${path}`);
  const shown = (path: string, value: string): string => (isVariables(object) && masked.has(path) ? SECRET_MASK : cut(value));
  const changes: ConfigKeyChange[] = [];
  for (const [path, value] of before) {
    const next = after.get(path);
    if (next === undefined) changes.push({ key: key(path), change: KeyChange.Removed, before: shown(path, value) });
    else if (next !== value) changes.push({ key: key(path), change: KeyChange.Changed, before: shown(path, value), after: shown(path, next) });
  }
  for (const [path, value] of after) if (!before.has(path)) changes.push({ key: key(path), change: KeyChange.Added, after: shown(path, value) });
  return changes;
}
