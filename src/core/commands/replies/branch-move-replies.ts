// A branch the workflow or a release could not move, for the people who must sort it out: where
// it was left, why, and its own commits (someone's hotfix). The refusal of a release's branch
// (`release.moves_branch`) is its own message in the environment's error channel; the release it
// follows was announced as done.
import type { BranchMove } from '../../ports/app-branches.js';
import { describeReleasedBranchMove, type ReleasedBranchMove } from '../../workflow/describe-move.js';
import type { ReleaseResult } from '../../release/release-deps.js';
import { message, shortSha, type Message, type Section } from './message.js';

/** Commits listed per refused branch. */
const COMMITS_SHOWN = 10;

export type RefusedMove = Extract<BranchMove, { state: 'refused' }>;

export function refusedSection(move: RefusedMove): Section {
  const commits = move.ownCommits.slice(0, COMMITS_SHOWN).map((c) => `${shortSha(c.sha)} ${c.subject}${c.author ? ` (${c.author})` : ''}`);
  const more = move.ownCommits.length > COMMITS_SHOWN ? [`and ${move.ownCommits.length - COMMITS_SHOWN} more`] : [];
  const why = move.conflict ? `rebasing it conflicted at ${shortSha(move.conflict.sha)} ${move.conflict.subject}` : 'not a fast-forward';
  return { title: `${move.branch} left at ${shortSha(move.from)} (${why}), with commits of its own`, lines: [...commits, ...more] };
}

/** A release's branch not moved (refused, or the origin not reached): the release itself is done. */
export function releasedBranchNotMoved(result: ReleaseResult, moved: ReleasedBranchMove, by: string, jobId: string): Message {
  const sha = result.sha ?? '';
  return message({
    tone: 'warning',
    title: `${result.app}: ${moved.branch} not moved to what ${result.env} runs`,
    summary: `${result.app} was released to ${result.env} at ${shortSha(sha)}, but ${describeReleasedBranchMove(moved)}`,
    fields: [
      { label: 'App', value: result.app },
      { label: 'Environment', value: result.env },
      { label: 'Released', value: shortSha(sha) },
      { label: 'Branch', value: moved.branch },
    ],
    sections: 'move' in moved && moved.move.state === 'refused' ? [refusedSection(moved.move)] : [],
    context: [`job ${jobId}`, `by ${by}`, `${moved.branch} moves by fast-forward only, never by force: once its own commits are in what is deployed next, that deploy moves it`],
  });
}
