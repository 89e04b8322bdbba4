// What a release whose rollout failed leaves behind: the last recorded (good) release applied
// again and pinned; or, for a first release with nothing to go back to, the objects it created
// removed (as `helm install --atomic`), so the cluster runs nothing the history does not know.
// A first release that failed is not recorded: the history keeps releases that ran.
import type { AppConfig } from '../config/index.js';
import type { ResolvedRef } from '../ports/source-repo.js';
import { removeCreated, type PreparedCluster } from './cluster-steps.js';
import { Stage } from './events.js';
import { ReleaseOutcome, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { restoreRelease } from './restore-release.js';
import { stage } from './stage.js';

export interface AutoRollbackInput {
  app: string;
  env: string;
  merged: AppConfig;
  failures: string[];
  attempted: ResolvedRef;
  /** The clusters as the failed release found them (what was live before it). */
  prepared: readonly PreparedCluster[];
  /** Who approved the change that failed: its rollback commit names them too. */
  approvedBy?: string;
}

type AutoRollbackResult = Omit<ReleaseResult, 'changes' | 'diff'>;

/** After a failed rollout: back to the last recorded (good) release, pinned. */
export async function autoRollback(deps: ReleaseDeps, ctx: ReleaseContext, input: AutoRollbackInput): Promise<AutoRollbackResult> {
  const { app, env, failures, attempted } = input;
  const last = await deps.history.get(app, env);
  if (!last) return removeFirstRelease(ctx, input);
  const failed = `rollout of ${app}@${attempted.sha.slice(0, 7)} in ${env} failed: ${failures[0]}`;
  const restored = await stage(ctx.onEvent, Stage.Rollback, () =>
    restoreRelease(deps, ctx, {
      release: last, merged: input.merged, reason: failed,
      message: `rollback ${app} to ${last.sha.slice(0, 7)} in ${env} after failed deploy of ${attempted.sha.slice(0, 7)} by ${ctx.user}`,
      ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
    }),
  );
  return {
    ...restored, outcome: restored.outcome === ReleaseOutcome.RolledBack ? ReleaseOutcome.RolledBack : ReleaseOutcome.Failed, failures,
    attempted: { sha: attempted.sha, ...(attempted.ref ? { ref: attempted.ref } : {}) },
    message: `${failed}; rolled back to ${last.sha.slice(0, 7)} and pinned (\`nestor unpin ${app} ${env}\` to release it)`,
  };
}

async function removeFirstRelease(ctx: ReleaseContext, input: AutoRollbackInput): Promise<AutoRollbackResult> {
  const { app, env, failures, attempted } = input;
  const removal = await stage(ctx.onEvent, Stage.Rollback, () => removeCreated(input.prepared, ctx.onEvent),
    (r) => `no earlier release: removed ${r.removed.length} object(s) this release created`,
    (r) => (r.left.length > 0 ? `could not remove ${r.left.join(', ')}` : undefined));
  if (removal.kept.length > 0) {
    ctx.onEvent({ type: 'warning', message: `existed before this release, so left as it set them: ${removal.kept.join(', ')}` });
  }
  // Why it failed is in `failures`, shown beside the message.
  const head = `first release of ${app}@${attempted.sha.slice(0, 7)} in ${env} failed its rollout`;
  return {
    outcome: ReleaseOutcome.Failed, app, env, sha: attempted.sha, ref: attempted.ref, historyPending: false, failures,
    message: removal.left.length === 0
      ? `${head}; the objects it created were removed`
      : `${head}; the objects it created were removed except ${removal.left.join(', ')}: delete them by hand`,
  };
}
