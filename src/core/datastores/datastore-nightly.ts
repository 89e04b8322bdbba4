// The `datastore-nightly` schedule of a source environment (staging): a snapshot of each of its
// datastores that some environment resets nightly from, then a reset of every environment's
// datastore that says `reset_nightly: true` and comes from it, from that fresh snapshot. A
// datastore whose snapshot failed is not reset (left as it was); one failing stops none of the
// others. Scheduled: no confirmation, and an environment that needs approval is refused as a
// person's reset without one would be. Each environment's datastores are touched holding its
// datastore lock, the one a `datastore` job holds: a reset asked in chat and the nightly never
// run on the same environment's datastores at once; one still busy after the lock's wait is
// not reset, and says so.
import type { LoadedConfig } from '../ports/config-source.js';
import type { DatastoreSettings } from '../config/datastore-settings.js';
import { datastoresOf, nightlyResets } from '../config/datastore-settings.js';
import { datastoreLockKey } from '../ports/locks.js';
import { whileKeyLocked } from '../release/locked.js';
import type { ReleaseContext } from '../release/release-deps.js';
import { errorText, type DatastoreDeps, type DatastoreRun } from './datastore-deps.js';
import { resetOne, resetRefusal } from './reset-datastores.js';
import { snapshotOne } from './snapshot-datastores.js';
import { describeDatastore } from './datastore-target.js';

export interface NightlyRun {
  /** The source environment, whose schedule it is. */
  env: string;
  snapshots: DatastoreRun[];
  resets: DatastoreRun[];
  durationMs: number;
}

const notRun = (d: DatastoreSettings, why: string): DatastoreRun => ({
  env: d.env, name: d.name, ok: false, durationMs: 0, message: `${describeDatastore(d)} not reset: ${why}; left as it was`,
});

/** Runs `each` over the datastores of one environment holding its datastore lock; past the wait, each gets `busy`. */
async function underLock(
  deps: DatastoreDeps, ctx: ReleaseContext, env: string, list: readonly DatastoreSettings[],
  each: (d: DatastoreSettings) => Promise<DatastoreRun>, busy: (d: DatastoreSettings, why: string) => DatastoreRun,
): Promise<DatastoreRun[]> {
  if (list.length === 0) return [];
  try {
    return await whileKeyLocked(deps, ctx, datastoreLockKey(env), `the datastores of ${env}`, `datastore-nightly of ${env}`, async () => {
      const runs: DatastoreRun[] = [];
      for (const d of list) runs.push(await each(d));
      return runs;
    });
  } catch (error) {
    return list.map((d) => busy(d, errorText(error)));
  }
}

function resetsOf(deps: DatastoreDeps, ctx: ReleaseContext, loaded: LoadedConfig, env: string, snapshots: readonly DatastoreRun[]) {
  return async (d: DatastoreSettings): Promise<DatastoreRun> => {
    const snapshot = snapshots.find((s) => s.name === d.name);
    const refusal = resetRefusal(loaded.tree, d, undefined);
    if (refusal !== undefined) return notRun(d, refusal);
    if (!snapshot) return notRun(d, `${env} has no datastore ${d.name} to snapshot`);
    if (!snapshot.ok || !snapshot.snapshot) return notRun(d, `the snapshot of ${d.name} of ${env} failed`);
    return resetOne(deps, ctx, loaded, d, snapshot.snapshot);
  };
}

export async function datastoreNightly(deps: DatastoreDeps, ctx: ReleaseContext, env: string): Promise<NightlyRun> {
  const started = deps.clock.now();
  const loaded = await deps.config.load();
  const targets = nightlyResets(loaded.tree, env);
  const names = new Set(targets.map((d) => d.name));
  const sources = datastoresOf(loaded.tree, env).filter((d) => names.has(d.name));
  const snapshots = await underLock(deps, ctx, env, sources, (d) => snapshotOne(deps, ctx, loaded, d), (d, why) => ({
    env: d.env, name: d.name, ok: false, durationMs: 0, message: `snapshot of ${describeDatastore(d)} not taken: ${why}`,
  }));
  const reset = resetsOf(deps, ctx, loaded, env, snapshots);
  const resets: DatastoreRun[] = [];
  for (const target of [...new Set(targets.map((d) => d.env))]) {
    resets.push(...await underLock(deps, ctx, target, targets.filter((d) => d.env === target), reset, notRun));
  }
  return { env, snapshots, resets, durationMs: deps.clock.now() - started };
}
