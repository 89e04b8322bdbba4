// One line per branch moved (or not) by the branch workflow or after a release: what the
// progress, the announcements and the CLI say. Light: the replies load it at every start.
import type { BranchMove } from '../ports/app-branches.js';

/** One line per branch: `greenlight fast-forwarded 1a2b3c4..5d6e7f8`. */
export function describeMove(move: BranchMove): string {
  const short = (sha: string) => sha.slice(0, 7);
  switch (move.state) {
    case 'up-to-date':
      return `${move.branch} up to date`;
    case 'created':
      return `${move.branch} created at ${short(move.sha)}`;
    case 'fast-forwarded':
      return `${move.branch} fast-forwarded ${short(move.from)}..${short(move.sha)}`;
    case 'rebased':
      return `${move.branch} rebased onto the commit (${move.replayed} commit${move.replayed === 1 ? '' : 's'} of its own replayed, now ${short(move.sha)})`;
    case 'refused': {
      const own = move.ownCommits.map((c) => `${short(c.sha)} ${c.subject}`).slice(0, 5).join(', ');
      const more = move.ownCommits.length > 5 ? ` and ${move.ownCommits.length - 5} more` : '';
      return move.conflict
        ? `${move.branch} not moved: rebasing it conflicted at ${short(move.conflict.sha)} ${move.conflict.subject}; its commits: ${own}${more}`
        : `${move.branch} not moved: not a fast-forward, it has ${move.ownCommits.length} commit${move.ownCommits.length === 1 ? '' : 's'} of its own (${own}${more})`;
    }
  }
}

/** What became of the branch a release moves: moved (or up to date), refused, or not reached. */
export type ReleasedBranchMove =
  | { branch: string; move: BranchMove }
  | { branch: string; error: string };

/** The move was refused or could not be done: the release's announcement says so in the error channel. */
export function branchMoveFailed(moved: ReleasedBranchMove | undefined): moved is ReleasedBranchMove {
  return moved !== undefined && ('error' in moved || moved.move.state === 'refused');
}

export function describeReleasedBranchMove(moved: ReleasedBranchMove): string {
  return 'error' in moved ? `${moved.branch} not moved: ${moved.error}` : describeMove(moved.move);
}
