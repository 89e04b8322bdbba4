// `nestor diff`: three views of an app in an environment side by side: what is live, what a
// release recorded (exactly as applied), and a fresh render of that release's version with the
// current config. Pure: the caller reads the cluster, the history and the config.
import type { KubeObject } from '../ports/cluster.js';
import { runsNothing } from './cluster-steps.js';
import { diffRelease, objectKey, type ReleaseDiff } from './diff.js';
import { countChanges } from './events.js';

export interface ClusterViews {
  cluster: string;
  /** The manifests the release recorded for this cluster (empty when it had none there). */
  recorded: readonly KubeObject[];
  /** The release's version rendered with today's config (empty when the config no longer lists the cluster). */
  fresh: readonly KubeObject[];
  /** The live version, by `objectKey`, of every object of `recorded` and `fresh` that exists. */
  live: ReadonlyMap<string, KubeObject>;
  /** Live objects carrying Nestor's labels for this app and environment, of the kinds a release prunes. */
  owned: readonly KubeObject[];
}

export interface ClusterComparison {
  cluster: string;
  /**
   * What a redeploy of the same version would change live: config changes since the release,
   * and hand edits it would undo. Exactly the diff `deploy` would show.
   */
  redeploy: ReleaseDiff;
  /**
   * How live drifted from what the release applied (edited, deleted or added by hand). Changes
   * say what applying the release again would do; the text reads from the release to live.
   */
  drift: ReleaseDiff;
}

function notIn(objects: readonly KubeObject[]): (o: KubeObject) => boolean {
  const keys = new Set(objects.map(objectKey));
  return (o) => !keys.has(objectKey(o));
}

function driftOf(views: ClusterViews): ReleaseDiff {
  const diff = diffRelease(views.recorded, views.live, [], { labels: { live: 'live', rendered: 'recorded' }, reverse: true });
  const added = views.recorded.length === 0 ? [] : views.owned.filter(notIn(views.recorded));
  return {
    changes: [...diff.changes, ...added.map((o) => ({ object: objectKey(o), change: 'delete' as const, fields: [] }))],
    text: diff.text + added.map((o) => `--- /dev/null\n+++ live/${objectKey(o)}\n(live only: not in the release)\n`).join(''),
  };
}

/** Compares each cluster's three views. */
export function compareRelease(views: readonly ClusterViews[]): ClusterComparison[] {
  return views.map((v) => ({
    cluster: v.cluster,
    // A render that runs nothing is never applied (see applyCluster): the redeploy shown here prunes nothing either.
    redeploy: diffRelease(v.fresh, v.live, runsNothing(v.fresh) ? [] : v.owned.filter(notIn(v.fresh))),
    drift: driftOf(v),
  }));
}

/** True when nothing would change: no change other than `unchanged`. */
export function isClean(diff: ReleaseDiff): boolean {
  return diff.changes.every((c) => c.change === 'unchanged');
}

/** `kapten_dev_eu-w1: 0 to create, 1 to update, 0 to delete, 6 unchanged`, or a plain word when clean. */
export function summarizeDiff(cluster: string, diff: ReleaseDiff, clean: string): string {
  return `${cluster}: ${isClean(diff) ? clean : countChanges(diff.changes)}`;
}
