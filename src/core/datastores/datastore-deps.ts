// What datastore jobs run over: the release ports (config, clusters, locks, clocks, Nestor's
// environment) and the datastore ones, the drivers per kind and the snapshot store (a folder or a bucket).
// Also what both verbs share: which datastores of an environment a command names, and what a run
// of one datastore gives back.
import type { ConfigTree } from '../config/index.js';
import { datastoresOf, type DatastoreSettings } from '../config/datastore-settings.js';
import { snapshotSettings, type SnapshotLocation } from '../config/snapshot-settings.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { DatastoreDrivers, SnapshotStore } from '../ports/datastores.js';
import type { ReleaseDeps } from '../release/release-deps.js';
import { closestWord } from '../text/did-you-mean.js';
import { targetOf } from './datastore-target.js';

export interface DatastorePorts {
  drivers: DatastoreDrivers;
  /** The store at `datastore_snapshots`' location: a folder (relative to Nestor's snapshots folder unless absolute) or an object store. */
  snapshots(location: SnapshotLocation): SnapshotStore;
}

export interface DatastoreDeps extends ReleaseDeps {
  datastores: DatastorePorts;
}

/** What became of one datastore in a run. */
export interface DatastoreRun {
  env: string;
  name: string;
  ok: boolean;
  /** The snapshot taken, or restored. */
  snapshot?: string;
  /** Of the snapshot file. */
  bytes?: number;
  durationMs: number;
  /** One line: what was done, or why it failed (and that the target was left as it was). */
  message: string;
}

export interface DatastoreRunsResult {
  outcome: 'snapshotted' | 'reset' | 'failed';
  message: string;
  runs: readonly DatastoreRun[];
}

/** The datastores of `env` a command names (all when none is named); BadInput with a "did you mean" otherwise. */
export function selectDatastores(tree: ConfigTree, env: string, name?: string): DatastoreSettings[] {
  if (!tree.environments.has(env)) {
    const guess = closestWord(env, [...tree.environments.keys()]);
    throw new NestorError(ErrorCode.BadInput, `unknown environment "${env}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
  }
  const all = datastoresOf(tree, env);
  if (all.length === 0) throw new NestorError(ErrorCode.BadInput, `${env} has no datastores: declare them under datastores: in its project.yaml or an app file`);
  if (name === undefined) return all;
  const found = all.find((d) => d.name === name);
  if (found) return [found];
  const guess = closestWord(name, all.map((d) => d.name));
  throw new NestorError(ErrorCode.BadInput, `${env} has no datastore "${name}"${guess ? ` (did you mean "${guess}"?)` : ` (it has ${all.map((d) => d.name).join(', ')})`}`);
}

export function storeOf(deps: DatastoreDeps, tree: ConfigTree, env: string): { store: SnapshotStore; keep: number } {
  const settings = snapshotSettings(tree, env);
  return { store: deps.datastores.snapshots(settings.location), keep: settings.keep };
}

/** The driver of the datastore's kind and its target, from the config as loaded (tree and templates). */
export function driverAndTarget(deps: DatastoreDeps, loaded: LoadedConfig, d: DatastoreSettings) {
  const driver = deps.datastores.drivers[d.kind];
  const sources = { tree: loaded.tree, templates: loaded.templates, environment: deps.environment, clusters: deps.clusters, history: deps.history };
  return { driver, target: targetOf(sources, d) };
}

/** An error's one line, whatever was thrown. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `12.3 MB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'size unknown';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One line for all the runs: the counts, then each failure. */
export function summarize(verb: 'snapshotted' | 'reset', env: string, runs: readonly DatastoreRun[]): DatastoreRunsResult {
  const failed = runs.filter((r) => !r.ok);
  const done = runs.filter((r) => r.ok);
  const message = failed.length === 0
    ? `${verb} ${done.map((r) => r.message).join('; ')}`
    : `${failed.map((r) => r.message).join('; ')}${done.length ? `; ${verb} ${done.map((r) => r.message).join('; ')}` : ''}`;
  return { outcome: failed.length === 0 ? verb : 'failed', message: failed.length === 0 ? message : `${env}: ${message}`, runs };
}
