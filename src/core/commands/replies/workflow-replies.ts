// The announcement of a CI success taken through the branch workflow: what was tagged, built and
// moved; a branch left where it was names the commits involved, for the people who must sort it
// out (it goes to the error channel). Not in the replies barrel: it loads the workflow and the
// config checks, which a CLI start (`--help`) must not.
import type { ConfigTree } from '../../config/config-tree.js';
import { workflowChannel } from '../../config/workflow-settings.js';
import { CiOutcome, describeMove, type CiSuccessResult } from '../../workflow/ci-success.js';
import { refusedSection, type RefusedMove } from './branch-move-replies.js';
import { message, shortSha, type Message } from './message.js';

export function workflowAnnouncement(result: CiSuccessResult, by: string, jobId: string): Message {
  const ok = result.outcome !== CiOutcome.Failed;
  const refused = result.moves.filter((m): m is RefusedMove => m.state === 'refused');
  return message({
    tone: ok ? 'success' : 'failure',
    title: `CI success of ${result.app}@${result.branch} (${shortSha(result.sha)})`,
    summary: result.message,
    fields: [
      { label: 'App', value: result.app },
      { label: 'Branch', value: result.branch },
      { label: 'Commit', value: shortSha(result.sha) },
      ...(result.tag ? [{ label: 'Tag', value: result.tag.name }] : []),
    ],
    sections: [
      ...(result.moves.length ? [{ title: 'Branches', lines: result.moves.map(describeMove) }] : []),
      ...refused.map(refusedSection),
    ],
    context: [`job ${jobId}`, `by ${by}`, 'branches move by fast-forward (or a rebase where the workflow allows it), never by force'],
  });
}

/**
 * The announcement due for a CI success and its channel (the root environment's info channel,
 * error for a failure); none when it did nothing (done before, no step for the branch) or no channel is set.
 */
export function workflowAnnouncementIn(tree: ConfigTree, result: CiSuccessResult, by: string, jobId: string): { channel: string; message: Message } | undefined {
  if (result.outcome === CiOutcome.AlreadyDone || result.outcome === CiOutcome.NoStep) return undefined;
  const channel = workflowChannel(tree, result.outcome === CiOutcome.Failed);
  return channel ? { channel, message: workflowAnnouncement(result, by, jobId) } : undefined;
}
