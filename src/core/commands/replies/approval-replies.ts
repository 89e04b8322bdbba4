// The approval request posted in the release channel, with Approve / Reject buttons while it is
// pending, and the same message once decided ("approved by carol"), so every copy can be updated.
import { ApprovalState, describeState, type ApprovalRequest } from '../approval.js';
import { detailSections, runningField } from './approval-details-sections.js';
import { message, shortSha, type Message, type Tone } from './message.js';

export const APPROVE_ACTION = 'nestor_approval_approve';
export const REJECT_ACTION = 'nestor_approval_reject';

const TONE: Readonly<Record<ApprovalState, Tone>> = {
  pending: 'pending',
  approved: 'success',
  rejected: 'failure',
  expired: 'warning',
  void: 'warning',
};

const TITLE: Readonly<Record<ApprovalState, string>> = {
  pending: 'Approval needed',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Approval expired',
  void: 'Approval void',
};

export function approvalMessage(request: ApprovalRequest): Message {
  const pending = request.state === ApprovalState.Pending;
  const status = pending ? `waiting for ${request.approvers.join(' or ')}` : describeState(request);
  return message({
    tone: TONE[request.state],
    title: `${TITLE[request.state]}: ${request.operation}`,
    summary: `${request.requester.name} asks to ${request.operation}: ${status}`,
    fields: [
      { label: 'Requested by', value: request.requester.name },
      { label: 'Commit', value: shortSha(request.sha) },
      ...runningField(request.details),
      { label: 'Config', value: request.configHash.slice(0, 12) },
      { label: pending ? 'Expires' : 'Status', value: pending ? request.expiresAt : status },
    ],
    sections: detailSections(request.details),
    buttons: pending
      ? [
          { actionId: APPROVE_ACTION, label: 'Approve', value: request.id, style: 'primary' },
          { actionId: REJECT_ACTION, label: 'Reject', value: request.id, style: 'danger' },
        ]
      : [],
    context: [`request ${request.id}`, ...(pending ? [`${request.requester.name} cannot approve their own request`] : []), ...(request.details?.notes ?? [])],
  });
}

/** A click that was refused: only the clicker sees why; the request is unchanged. */
export function approvalRefused(reason: string): Message {
  return message({ visibility: 'ephemeral', tone: 'failure', title: 'Not recorded', summary: reason });
}
