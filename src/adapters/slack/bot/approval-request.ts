// A change to an environment with `approval`: bind it to its sha and config, say what it changes
// (commits, config keys, objects: approval-details.ts), store the request
// (its id is the Slack request's key, so a retry finds it instead of opening a second one), post
// it with Approve / Reject in the environment's release channel (and where it was asked), and
// tell the requester who must approve. Nothing is queued until someone approves.
import type { App } from '@slack/bolt';
import { approvalDetails } from '../../../core/commands/approval-details.js';
import { createApproval, describeState, type ApprovalRequest } from '../../../core/commands/approval.js';
import type { Actor } from '../../../core/commands/authorize.js';
import { describeUnresolved, type Person, type Unresolved } from '../../../core/commands/people.js';
import { describeCommand, type MutatingCommand } from '../../../core/commands/command.js';
import { approvalMessage, awaitingApproval, message } from '../../../core/commands/replies.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import { toBlockKit } from '../block-kit.js';
import { bindingOf } from './approval-binding.js';
import type { MessageCopy } from './approval-postings.js';
import type { BotServices } from './bot-services.js';
import { releaseChannel } from '../../../core/commands/environment-policy.js';
import type { Reply } from './slack-reply.js';

export type SlackClient = App['client'];

export interface ApprovalAsk {
  id: string;
  command: MutatingCommand;
  job: Job;
  requester: Actor;
  approvers: Person[];
  /** Approvers in config who name nobody in Slack (logged by the caller, noted in the message). */
  unresolved?: Unresolved[];
  expiresMinutes: number;
  /** Where the command was typed. */
  channel: string;
}

export async function askApproval(services: BotServices, client: SlackClient, ask: ApprovalAsk, reply: Reply): Promise<void> {
  const binding = await bindingOf(services, ask.job);
  // What the approvers approve, in words; what can't be computed is said in the message.
  const details = await approvalDetails(services, ask.job, binding.sha);
  if (ask.unresolved?.length) details.notes.push(`approvers in the config who name nobody: ${describeUnresolved(ask.unresolved)}`);
  const request = createApproval({
    ...binding, id: ask.id, operation: describeCommand(ask.command),
    requester: ask.requester, approvers: ask.approvers, expiresMinutes: ask.expiresMinutes, details,
  }, new Date(services.clock.now()));
  const created = (await services.postings.create(ask.id, ask.job)) && (await services.approvals.create(request));
  if (!created) {
    const existing = await services.approvals.get(ask.id);
    const state = existing ? describeState(existing) : 'pending';
    await reply(message({ visibility: 'ephemeral', tone: 'info', title: request.operation, summary: `already asked: approval request ${ask.id} is ${state}` }));
    return;
  }
  const { tree } = await services.config.load();
  const channels = [...new Set([releaseChannel(tree, binding.env), ask.channel].filter((c): c is string => Boolean(c)))];
  for (const channel of channels) await postCopy(services, client, request, channel);
  services.logger.info({ approval: ask.id, app: binding.app, env: binding.env, user: ask.requester.name, sha: binding.sha }, 'approval requested');
  await reply(awaitingApproval(ask.command, request.approvers, ask.expiresMinutes));
}

async function postCopy(services: BotServices, client: SlackClient, request: ApprovalRequest, channel: string): Promise<void> {
  const posted = await client.chat.postMessage({ channel, ...toBlockKit(approvalMessage(request)) });
  if (posted.ok && posted.ts) await services.postings.addCopy(request.id, { channel: posted.channel ?? channel, ts: posted.ts });
}

/** Every copy shows the request as it now is (who decided); a copy that fails is logged. True when all were updated. */
export async function updateCopies(services: Pick<BotServices, 'logger'>, client: SlackClient, request: ApprovalRequest, copies: readonly MessageCopy[]): Promise<boolean> {
  const body = toBlockKit(approvalMessage(request));
  const updated = await Promise.all(copies.map(async (copy) => {
    try {
      await client.chat.update({ channel: copy.channel, ts: copy.ts, ...body });
      return true;
    } catch (error) {
      services.logger.warn({ err: error, approval: request.id, channel: copy.channel }, 'approval message update failed');
      return false;
    }
  }));
  return updated.every(Boolean);
}
