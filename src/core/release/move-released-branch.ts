// After a deploy released in an environment with `release.moves_branch` (production's
// `production`): that branch of the app's repository is fast-forwarded to the released commit, by
// the branch workflow's own AppBranches, so the branch says what production runs. Never forced: a
// branch with commits of its own (someone's hotfix on production) is left where it is and the
// refusal names them. The release is done by then, so nothing here fails it: a refusal or an
// unreachable origin is the `branches` stage failed, a warning, and `ReleaseResult.branchMove`
// for the announcer (the environment's error channel). A rerun finds the branch up to date.
import { releaseMovedBranch } from '../config/workflow-settings.js';
import type { ConfigTree } from '../config/config-tree.js';
import { isNestorError } from '../errors.js';
import { branchMoveFailed, describeReleasedBranchMove, type ReleasedBranchMove } from '../workflow/describe-move.js';
import { Stage } from './events.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from './release-deps.js';

/** `result` with `branchMove` when the environment moves a branch and the deploy was released; as it was otherwise. */
export async function moveReleasedBranch(
  deps: Pick<ReleaseDeps, 'branches'>, ctx: ReleaseContext, tree: ConfigTree, origin: string, result: ReleaseResult,
): Promise<ReleaseResult> {
  const branch = releaseMovedBranch(tree, result.env);
  if (branch === undefined || result.outcome !== 'released' || result.sha === undefined) return result;
  ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: 'started', message: `moving ${branch} to ${result.sha.slice(0, 7)}` });
  const moved = await move(deps, origin, branch, result.sha);
  const text = describeReleasedBranchMove(moved);
  if (branchMoveFailed(moved)) {
    ctx.onEvent({ type: 'warning', message: `the release is done, but ${text}` });
    ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: 'failed', message: text });
  } else {
    ctx.onEvent({ type: 'stage', stage: Stage.Branches, status: 'finished', message: text });
  }
  return { ...result, branchMove: moved };
}

async function move(deps: Pick<ReleaseDeps, 'branches'>, origin: string, branch: string, sha: string): Promise<ReleasedBranchMove> {
  if (!deps.branches) return { branch, error: 'this process has no access to app repositories configured' };
  try {
    return { branch, move: await deps.branches.move(origin, branch, sha, { rebase: false }) };
  } catch (error) {
    return { branch, error: isNestorError(error) ? error.userMessage : 'internal error' };
  }
}
