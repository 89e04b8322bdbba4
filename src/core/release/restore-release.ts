// Rolling back rolls forward: a recorded release's manifests are applied exactly as they were
// (no re-render), and the result is recorded as a new release that pins the environment.
import { loadAll } from 'js-yaml';
import { ErrorCode, NestorError } from '../errors.js';
import type { KubeObject } from '../ports/cluster.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { Release, ReleaseRecord } from '../ports/release-history.js';
import { appConfig, type AppConfig } from '../config/index.js';
import type { ClusterManifests } from '../render/types.js';
import { applyCluster, failedRollouts, prepareCluster, waitForClusters } from './cluster-steps.js';
import { Stage } from './events.js';
import { recordRelease, unlessPending } from './record-release.js';
import { ReleaseOutcome, tuningOf, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { stage } from './stage.js';

/** The app's merged config; undefined when the config no longer has it (a rollback still works then). */
export function mergedIfKnown(loaded: LoadedConfig, app: string, env: string): AppConfig | undefined {
  try {
    return appConfig(loaded.tree, app, env);
  } catch {
    return undefined;
  }
}

function contextsOf(merged: AppConfig | undefined): Map<string, string> {
  const clusters = merged?.config.deployments?.kubernetes ?? [];
  return new Map(clusters.map((c) => [c.cluster_name, c.context ?? c.cluster_name]));
}

/** The recorded manifests as applied objects, per cluster. */
export function manifestsOf(release: Release, contexts: ReadonlyMap<string, string>, env: string): ClusterManifests[] {
  return Object.entries(release.manifestsByCluster).map(([cluster, text]) => {
    const objects = (loadAll(text) as unknown[]).filter((o): o is KubeObject => typeof o === 'object' && o !== null);
    const namespace = objects.find((o) => o.metadata.namespace)?.metadata.namespace ?? env;
    return { cluster, context: contexts.get(cluster) ?? cluster, namespace, objects };
  });
}

/** The restored release's record without who approved it: that approval was for another change. */
function recordOf(release: Release): ReleaseRecord {
  const { approvedBy: _approvedBy, ...record } = release.record;
  return record;
}

export interface RestoreInput {
  release: Release;
  /** The app's config as the job merged it (see mergedIfKnown): cluster contexts, and the announcement's channels. */
  merged: AppConfig | undefined;
  /** What ran before (ReleaseResult.previous), when the caller knows. */
  previous?: ReleaseResult['previous'];
  reason: string;
  message: string;
  /** Who approved this restore (or the change it undoes); never the approver of the release restored. */
  approvedBy?: string;
}

/** Applies a recorded release, records a rollback commit and pins the app there. */
export async function restoreRelease(deps: ReleaseDeps, ctx: ReleaseContext, input: RestoreInput): Promise<ReleaseResult> {
  const { release } = input;
  const { app, env } = release;
  if (release.secretsEncrypted) {
    throw new NestorError(ErrorCode.BadInput, `release ${release.commit.slice(0, 7)} holds encrypted secrets: set NESTOR_HISTORY_KEY to roll back to it`);
  }
  const manifests = manifestsOf(release, contextsOf(input.merged), env);
  const prepared = await Promise.all(manifests.map((m) => prepareCluster(deps.clusters, m, app, env)));
  await stage(ctx.onEvent, Stage.Apply, async () => {
    for (const p of prepared) await applyCluster(p, { force: false, onEvent: ctx.onEvent });
  });
  const tuning = tuningOf(deps);
  const rollouts = await stage(ctx.onEvent, Stage.Rollout, () =>
    waitForClusters(prepared, {
      clock: deps.clock,
      pollIntervalMs: tuning.rolloutPollMs, graceMs: tuning.rolloutGraceMs, onEvent: ctx.onEvent,
    }), undefined, (r) => failedRollouts(r)[0]);
  const failures = failedRollouts(rollouts);
  const history = await stage(ctx.onEvent, Stage.History, () =>
    recordRelease(deps.history, ctx, {
      app, env, kind: 'rollback', manifestsByCluster: release.manifestsByCluster, message: input.message,
      record: {
        ...recordOf(release), user: ctx.user, at: new Date(deps.clock.now()).toISOString(), jobId: ctx.jobId, previous: release.commit,
        ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}), trailers: { Reason: input.reason },
      },
    }),
  );
  // Pending like the record when the remote is down: the rollback is applied either way.
  const pin = { commit: history.commit ?? release.commit, reason: input.reason, by: ctx.user, ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}) };
  const pinPending = await unlessPending(ctx, () => deps.history.pin(app, env, pin));
  return {
    outcome: failures.length ? ReleaseOutcome.Failed : ReleaseOutcome.RolledBack, app, env,
    sha: release.sha, ...(release.ref ? { ref: release.ref } : {}), ...(release.record.image ? { image: release.record.image } : {}),
    ...(history.commit ? { commit: history.commit } : {}), historyPending: history.pending || pinPending,
    ...(input.merged ? { config: input.merged.config } : {}), ...(input.previous === undefined ? {} : { previous: input.previous }),
    changes: prepared.flatMap((p) => p.diff.changes), failures, diff: prepared.map((p) => p.diff.text).join(''),
    message: failures.length
      ? `rollback of ${app} in ${env} to ${release.sha.slice(0, 7)} failed too: ${failures[0]}`
      : `rolled back ${app} in ${env} to ${release.sha.slice(0, 7)} (history ${release.commit.slice(0, 7)}); pinned until \`nestor unpin ${app} ${env}\` or a new deploy`,
  };
}
