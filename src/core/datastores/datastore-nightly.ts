// The `datastore-nightly` schedule of a source environment (staging): a snapshot of each of its
// datastores that some environment resets nightly from, then a reset of every environment's
// datastore that says `reset_nightly: true` and comes from it, from that fresh snapshot. A
// datastore whose snapshot failed is not reset (left as it was); one failing stops none of the
// others. Scheduled: no confirmation, and an environment that needs approval is refused as a
// person's reset without one would be.
import type { DatastoreSettings } from '../config/datastore-settings.js';
import { datastoresOf, nightlyResets } from '../config/datastore-settings.js';
import type { ReleaseContext } from '../release/release-deps.js';
import type { DatastoreDeps, DatastoreRun } from './datastore-deps.js';
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

export async function datastoreNightly(deps: DatastoreDeps, ctx: ReleaseContext, env: string): Promise<NightlyRun> {
  const started = deps.clock.now();
  const { tree } = await deps.config.load();
  const targets = nightlyResets(tree, env);
  const names = new Set(targets.map((d) => d.name));
  const sources = datastoresOf(tree, env).filter((d) => names.has(d.name));
  const snapshots: DatastoreRun[] = [];
  for (const d of sources) snapshots.push(await snapshotOne(deps, ctx, tree, d));
  const resets: DatastoreRun[] = [];
  for (const d of targets) {
    const snapshot = snapshots.find((s) => s.name === d.name);
    const refusal = resetRefusal(tree, d, undefined);
    if (refusal !== undefined) resets.push(notRun(d, refusal));
    else if (!snapshot) resets.push(notRun(d, `${env} has no datastore ${d.name} to snapshot`));
    else if (!snapshot.ok || !snapshot.snapshot) resets.push(notRun(d, `the snapshot of ${d.name} of ${env} failed`));
    else resets.push(await resetOne(deps, ctx, tree, d, snapshot.snapshot));
  }
  return { env, snapshots, resets, durationMs: deps.clock.now() - started };
}
