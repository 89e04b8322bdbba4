// `datastore snapshot <env> [<name>]`: each datastore named (every one of the environment by
// default) is dumped by its driver into the snapshot store, one after the other, and the store
// keeps the newest `datastore_snapshots.keep` of it. One failing stops none of the others.
import type { DatastoreSettings } from '../config/datastore-settings.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { SnapshotInfo } from '../ports/datastores.js';
import { formatDuration } from '../commands/replies/message.js';
import { Stage } from '../release/events.js';
import type { ReleaseContext } from '../release/release-deps.js';
import {
  driverAndTarget, errorText, formatBytes, selectDatastores, storeOf, summarize,
  type DatastoreDeps, type DatastoreRun, type DatastoreRunsResult,
} from './datastore-deps.js';
import { describeDatastore } from './datastore-target.js';

export interface SnapshotInput {
  env: string;
  datastore?: string;
}

/** A snapshot of one datastore, kept and pruned; throws what the driver or the store threw. */
export async function takeSnapshot(deps: DatastoreDeps, ctx: ReleaseContext, loaded: LoadedConfig, d: DatastoreSettings): Promise<SnapshotInfo> {
  const { driver, target } = driverAndTarget(deps, loaded, d);
  const resolved = await target;
  const { store, keep } = storeOf(deps, loaded.tree, d.env);
  const info = await store.put(
    { env: d.env, datastore: d.name, kind: d.kind, extension: driver.extension, jobId: ctx.jobId },
    (file, snapshotId) => driver.snapshot(resolved, file, { snapshotId, runId: ctx.jobId, ...(ctx.signal ? { signal: ctx.signal } : {}) }),
  );
  await store.prune(d.env, d.name, keep);
  return info;
}

/** Snapshots one datastore, told as a stage; never throws (the run says what failed). */
export async function snapshotOne(deps: DatastoreDeps, ctx: ReleaseContext, loaded: LoadedConfig, d: DatastoreSettings): Promise<DatastoreRun> {
  const started = deps.clock.now();
  ctx.onEvent({ type: 'stage', stage: Stage.Snapshot, status: 'started', message: describeDatastore(d) });
  try {
    const info = await takeSnapshot(deps, ctx, loaded, d);
    const durationMs = deps.clock.now() - started;
    const message = `${d.name} of ${d.env} (${formatBytes(info.bytes)} in ${formatDuration(durationMs)}): ${info.id}`;
    ctx.onEvent({ type: 'stage', stage: Stage.Snapshot, status: 'finished', message });
    return { env: d.env, name: d.name, ok: true, snapshot: info.id, bytes: info.bytes, durationMs, message };
  } catch (error) {
    const message = `snapshot of ${describeDatastore(d)} failed: ${errorText(error)}`;
    ctx.onEvent({ type: 'stage', stage: Stage.Snapshot, status: 'failed', message });
    return { env: d.env, name: d.name, ok: false, durationMs: deps.clock.now() - started, message };
  }
}

export async function snapshotDatastores(deps: DatastoreDeps, ctx: ReleaseContext, input: SnapshotInput): Promise<DatastoreRunsResult> {
  const loaded = await deps.config.load();
  const runs: DatastoreRun[] = [];
  for (const d of selectDatastores(loaded.tree, input.env, input.datastore)) runs.push(await snapshotOne(deps, ctx, loaded, d));
  return summarize('snapshotted', input.env, runs);
}
