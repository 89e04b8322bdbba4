// What follows a decision: every copy of the message updated to show it and, once approved, the
// job queued (once: its idempotency key is the request's). The deciding process does it at once;
// when a part fails, or that process dies first, the request stays unsettled and a later sweep
// does it all again (approval-sweep.ts), so an approval is never lost between Slack and the queue.
import { ApprovalState, type ApprovalRequest } from '../../../core/commands/approval.js';
import type { QueueOutcome } from '../../../core/commands/replies.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import { approvedJob } from './approval-binding.js';
import type { ApprovalPosting } from './approval-postings.js';
import { updateCopies, type SlackClient } from './approval-request.js';
import type { BotServices } from './bot-services.js';
import { jobUser } from './job-of-command.js';

export type FollowUpServices = Pick<BotServices, 'approvals' | 'logger'>;
export type Enqueue = (job: Job, idempotencyKey: string) => Promise<QueueOutcome>;

export interface FollowUpOutcome {
  /** The approved job and what the queue said of it. */
  queued?: { job: Job; outcome: QueueOutcome };
  /** Everything was done: the request left the unsettled list. */
  settled: boolean;
}

export const approvedJobKey = (requestId: string): string => `${requestId}.approved`;

export async function followUpDecision(
  services: FollowUpServices, client: SlackClient, request: ApprovalRequest, posting: ApprovalPosting | undefined, enqueue: Enqueue,
): Promise<FollowUpOutcome> {
  const copiesUpdated = await updateCopies(services, client, request, posting?.copies ?? []);
  let queued: FollowUpOutcome['queued'];
  if (request.state === ApprovalState.Approved && posting) {
    const job = approvedJob(posting.job, request, jobUser(request.decidedBy ?? request.requester));
    queued = { job, outcome: await enqueue(job, approvedJobKey(request.id)) };
  } else if (request.state === ApprovalState.Approved) {
    services.logger.error({ approval: request.id }, 'approved request has no job to queue (its posting is gone)');
  }
  // A slow queue may still take the job: the sweep asks again under the same key (one job either way).
  const settled = copiesUpdated && queued?.outcome.kind !== 'unavailable' && queued?.outcome.kind !== 'slow';
  if (settled) await services.approvals.settle(request.id);
  return { ...(queued ? { queued } : {}), settled };
}
