// `datastore reset <env> [<name>] [--from <snapshot>]`: each datastore named gets the content of
// a snapshot, the latest of its source environment unless one is named. Refused before anything
// runs when the config forbids it, and in an environment that needs approval unless the datastore
// says `allow_in_production: true` and the request was approved. The reset holds the lock of the
// datastore's app (its releases wait), with the app's pods scaled to 0 around it when the config
// asks. The driver's restore is atomic: a reset that fails leaves the target as it was, and says so.
import type { ConfigTree } from '../config/index.js';
import type { DatastoreSettings } from '../config/datastore-settings.js';
import { mergedProject } from '../config/merged-project.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { LoadedConfig } from '../ports/config-source.js';
import { parseSnapshotId, type SnapshotInfo } from '../ports/datastores.js';
import { formatDuration } from '../commands/replies/message.js';
import { Stage } from '../release/events.js';
import { whileLocked } from '../release/locked.js';
import type { ReleaseContext } from '../release/release-deps.js';
import {
  driverAndTarget, errorText, formatBytes, selectDatastores, storeOf, summarize,
  type DatastoreDeps, type DatastoreRun, type DatastoreRunsResult,
} from './datastore-deps.js';
import { describeDatastore } from './datastore-target.js';
import { whileScaledDown } from './scale-around.js';

export interface ResetInput {
  env: string;
  datastore?: string;
  /** A snapshot id (`staging/main/2026-12-02T03-00-00.000Z`); default: the latest of the source environment. */
  from?: string;
  /** Who approved it, in an environment that needs approval. */
  approvedBy?: string;
}

/** Why the datastore may not be reset now, or undefined when it may. */
export function resetRefusal(tree: ConfigTree, d: DatastoreSettings, approvedBy: string | undefined): string | undefined {
  const what = describeDatastore(d);
  if (!d.resetAllowed) return `${what} may not be reset (reset: forbidden in its config)`;
  // A Secret is read in the environment's own namespace; a setting is one value for every environment inheriting it.
  if (d.connection && 'setting' in d.connection && d.connectionFrom !== d.env) {
    return `${what} may not be reset: its connection $${d.connection.setting} is set for ${d.connectionFrom} and inherited, so the store is ${d.connectionFrom}'s; give ${d.env} its own connection in its files`;
  }
  const approval = mergedProject(tree, d.env).approval;
  if (approval === undefined || approval === null) return undefined;
  if (!d.allowInProduction) return `${what} may not be reset: ${d.env} needs approval, and its config does not say allow_in_production: true`;
  return approvedBy ? undefined : `a reset of ${what} needs an approval`;
}

async function pickSnapshot(deps: DatastoreDeps, tree: ConfigTree, d: DatastoreSettings, from: string | undefined): Promise<SnapshotInfo> {
  if (from !== undefined) {
    const parts = parseSnapshotId(from);
    if (!parts) throw new NestorError(ErrorCode.BadInput, `invalid snapshot "${from.slice(0, 80)}": expected <env>/<datastore>/<UTC time> as datastore list shows`);
    const info = await storeOf(deps, tree, parts.env).store.get(from);
    if (!info) throw new NestorError(ErrorCode.BadInput, `no snapshot ${from}: datastore list ${parts.env} shows those kept`);
    if (info.datastore !== d.name || info.kind !== d.kind) {
      throw new NestorError(ErrorCode.BadInput, `snapshot ${from} is of ${info.kind} datastore ${info.datastore}, not of ${d.kind} datastore ${d.name}`);
    }
    return info;
  }
  const [latest] = await storeOf(deps, tree, d.source).store.list(d.source, d.name);
  if (!latest) throw new NestorError(ErrorCode.BadInput, `no snapshot of ${describeDatastore({ name: d.name, env: d.source })} yet: take one with datastore snapshot ${d.source} ${d.name}`);
  return latest;
}

async function restore(deps: DatastoreDeps, ctx: ReleaseContext, loaded: LoadedConfig, d: DatastoreSettings, snapshot: SnapshotInfo): Promise<void> {
  const { tree } = loaded;
  const { driver, target } = driverAndTarget(deps, loaded, d);
  const resolved = await target;
  const run = async (): Promise<void> => {
    ctx.onEvent({ type: 'stage', stage: Stage.Restore, status: 'started', message: `${snapshot.id} into ${describeDatastore(d)}` });
    await storeOf(deps, tree, snapshot.env).store.read(snapshot.id, (file) =>
      driver.restore(resolved, file, { snapshotId: snapshot.id, runId: ctx.jobId, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    ctx.onEvent({ type: 'stage', stage: Stage.Restore, status: 'finished', message: `${describeDatastore(d)} holds ${snapshot.id}` });
  };
  const scaled = d.scaleDown && d.app ? () => whileScaledDown(deps.clusters, tree, { app: d.app!, env: d.env }, ctx.onEvent, run) : run;
  await (d.app ? whileLocked(deps, ctx, d.app, d.env, `datastore reset ${d.name}`, scaled) : scaled());
}

/** Resets one datastore, told as stages; never throws (the run says what failed, and that the target was left as it was). */
export async function resetOne(deps: DatastoreDeps, ctx: ReleaseContext, loaded: LoadedConfig, d: DatastoreSettings, from?: string): Promise<DatastoreRun> {
  const { tree } = loaded;
  const started = deps.clock.now();
  try {
    ctx.onEvent({ type: 'stage', stage: Stage.Snapshot, status: 'started', message: `the snapshot of ${describeDatastore(d)}` });
    const snapshot = await pickSnapshot(deps, tree, d, from);
    ctx.onEvent({ type: 'stage', stage: Stage.Snapshot, status: 'finished', message: `${snapshot.id} (${formatBytes(snapshot.bytes)})` });
    await restore(deps, ctx, loaded, d, snapshot);
    const ended = deps.clock.now();
    const durationMs = ended - started;
    await storeOf(deps, tree, d.env).store.recordReset({
      env: d.env, datastore: d.name, snapshot: snapshot.id, at: new Date(ended).toISOString(), durationMs, jobId: ctx.jobId,
    });
    const message = `${d.name} of ${d.env} from ${snapshot.id} (${formatBytes(snapshot.bytes)} in ${formatDuration(durationMs)})`;
    return { env: d.env, name: d.name, ok: true, snapshot: snapshot.id, bytes: snapshot.bytes, durationMs, message };
  } catch (error) {
    const message = `reset of ${describeDatastore(d)} failed: ${errorText(error)}; ${d.name} of ${d.env} was left as it was`;
    ctx.onEvent({ type: 'stage', stage: Stage.Restore, status: 'failed', message });
    return { env: d.env, name: d.name, ok: false, durationMs: deps.clock.now() - started, message };
  }
}

export async function resetDatastores(deps: DatastoreDeps, ctx: ReleaseContext, input: ResetInput): Promise<DatastoreRunsResult> {
  const loaded = await deps.config.load();
  const { tree } = loaded;
  const chosen = selectDatastores(tree, input.env, input.datastore);
  if (input.from !== undefined && chosen.length > 1) {
    throw new NestorError(ErrorCode.BadInput, `--from names one snapshot: name the datastore to reset too (${chosen.map((d) => d.name).join(', ')})`);
  }
  const refusals = chosen.map((d) => resetRefusal(tree, d, input.approvedBy)).filter((r) => r !== undefined);
  if (refusals.length > 0) throw new NestorError(ErrorCode.NotAuthorized, `${refusals.join('; ')}: nothing was reset`);
  const runs: DatastoreRun[] = [];
  for (const d of chosen) runs.push(await resetOne(deps, ctx, loaded, d, input.from));
  return summarize('reset', input.env, runs);
}
