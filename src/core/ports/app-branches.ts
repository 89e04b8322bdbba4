// Port: the branches and tags of an app's own repository, written by the branch workflow. A
// branch only ever moves forward (a fast-forward), or is rebased onto the commit with a lease on
// the sha read: nobody's commits are ever dropped, and nothing is pushed over a branch that moved
// meanwhile.
import type { CommitSummary } from './source-repo.js';

/** What became of one branch asked to move to a commit. */
export type BranchMove =
  /** Already at the commit, or already holding it (a later commit of the same line): nothing pushed. */
  | { state: 'up-to-date'; branch: string; sha: string }
  /** The branch did not exist: created at the commit. */
  | { state: 'created'; branch: string; sha: string }
  | { state: 'fast-forwarded'; branch: string; from: string; sha: string }
  /** The branch's own commits were replayed onto the commit: `sha` is the branch's new tip. */
  | { state: 'rebased'; branch: string; from: string; sha: string; replayed: number }
  /**
   * Not moved: the branch has commits the commit lacks (`ownCommits`) and rebasing is off, or
   * the rebase conflicted (`conflict` names the commit it stopped at).
   */
  | { state: 'refused'; branch: string; from: string; ownCommits: CommitSummary[]; conflict?: CommitSummary };

export interface AppBranches {
  /**
   * Tags `sha` as `name` on the origin, unless a tag of that name exists: `exists` when it points
   * at `sha`; a NestorError Conflict when it points elsewhere.
   */
  tag(origin: string, name: string, sha: string): Promise<'created' | 'exists'>;
  /** Tags on the origin pointing at `sha` (peeled), by name. */
  tagsAt(origin: string, sha: string): Promise<string[]>;
  /**
   * Moves `branch` of the origin to `sha`: up to date, created, fast-forwarded, rebased (when
   * `rebase`) or refused. Errors: GitFailed (retryable) when the origin cannot be reached or a
   * push is refused because the branch moved meanwhile.
   */
  move(origin: string, branch: string, sha: string, options: { rebase: boolean }): Promise<BranchMove>;
}
