// A click on Approve or Reject. The decision is checked against the request as stored (expiry,
// sha and config as they are now, who clicks) and written by compare-and-set, so two clicks at
// once give one decision and the other is told who decided. A refusal changes nothing and is
// audited in the log. Once approved, the job is enqueued pinned to the approved sha and carrying
// who approved it (the history commit says so); every copy of the message shows the decision.
// Those follow-ups are finished by the sweep when this process fails at them (approval-follow-up.ts).
import type { Actor } from '../../../core/commands/authorize.js';
import { decideStored } from '../../../core/commands/approval-flow.js';
import { approvalRefused, message, queueLine, type Message, type QueueOutcome } from '../../../core/commands/replies.js';
import { describeJob } from '../../../core/jobs/job-schema.js';
import { bindingOf } from './approval-binding.js';
import { followUpDecision, type Enqueue } from './approval-follow-up.js';
import type { SlackClient } from './approval-request.js';
import type { BotServices } from './bot-services.js';
import { DEFAULT_ENQUEUE_TIMEOUT_MS, enqueueInTime, readiness } from './enqueue-reply.js';
import type { Reply } from './slack-reply.js';

export interface Click {
  action: 'approve' | 'reject';
  id: string;
  by: Actor;
}

export async function onApprovalClick(services: BotServices, client: SlackClient, click: Click, reply: Reply): Promise<void> {
  const log = services.logger.child({ approval: click.id, user: click.by.name, action: click.action });
  const posting = await services.postings.get(click.id);
  if (!posting) return reply(approvalRefused('this approval request no longer exists'));
  const current = await bindingOf(services, posting.job);
  const decided = await decideStored(services.approvals, click.id, { action: click.action, by: click.by, at: new Date(services.clock.now()), current });
  if (!decided.ok) {
    log.warn({ code: decided.code }, 'approval click refused');
    return reply(approvalRefused(decided.message));
  }
  const request = decided.request;
  log.info({ state: request.state, app: request.app, env: request.env, sha: request.sha }, 'approval decided');
  const timeoutMs = services.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const enqueue: Enqueue = (job, key) => enqueueInTime({ queue: services.queue, job, key, timeoutMs, clock: services.clock, logger: log, ...readiness(services) }, (late) => void reply(queuedReply(describeJob(job), late)));
  const { queued, settled } = await followUpDecision(services, client, request, posting, enqueue);
  if (!settled) log.warn('approval follow-ups incomplete; the sweep will finish them');
  if (!queued) return reply(message({ visibility: 'ephemeral', tone: 'info', title: request.operation, summary: `${request.operation}: rejected, nothing queued` }));
  await reply(queuedReply(describeJob(queued.job), queued.outcome));
}

function queuedReply(what: string, outcome: QueueOutcome): Message {
  const failed = outcome.kind === 'unavailable' || outcome.kind === 'slow';
  return message({
    visibility: failed ? 'ephemeral' : 'channel', tone: failed ? 'failure' : 'queued',
    title: `Approved: ${what}`, summary: `approved: ${what}: ${queueLine(outcome)}`,
  });
}
