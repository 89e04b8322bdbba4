// A production approval as a pure state machine. A request is bound to what was asked (the
// command), the exact sha and config hash it would release, the requester and an expiry:
//   pending ──approve──► approved      (a listed approver who is not the requester)
//           ──reject───► rejected      (a listed approver, or the requester withdrawing)
//           ──expire───► expired       (past expiresAt)
//           ──void─────► void          (the sha or config hash changed before a decision)
// Decided states are final. A refused transition leaves the request unchanged and says why.
import type { Actor } from './authorize.js';
import { isApprover } from './authorize.js';
import type { ApprovalDetails } from './approval-details.js';
import type { Person } from './people.js';

export const ApprovalState = {
  Pending: 'pending',
  Approved: 'approved',
  Rejected: 'rejected',
  Expired: 'expired',
  Void: 'void',
} as const;
export type ApprovalState = (typeof ApprovalState)[keyof typeof ApprovalState];

export type { Person } from './people.js';

/** What an approval is for: a change of exactly this code and this config. */
export interface ApprovalBinding {
  app: string;
  env: string;
  sha: string;
  configHash: string;
}

export interface ApprovalRequest extends ApprovalBinding {
  id: string;
  /** What is asked, safe to show: `deploy mary@v1.4.2 to production` (see describeCommand). */
  operation: string;
  requester: Person;
  /** Who may approve, by name (shown). */
  approvers: string[];
  /** Who may approve, by id (matched): names in config are resolved when the request is made. */
  approverIds: string[];
  createdAt: string;
  expiresAt: string;
  state: ApprovalState;
  decidedBy?: Person;
  decidedAt?: string;
  /** What is approved, in words (commits, config keys, objects), computed when it was asked. */
  details?: ApprovalDetails;
  /** Why it ended as it did, for void and expired requests. */
  note?: string;
  /** Bumped on every transition; the store compares it to set atomically. */
  version: number;
}

export interface NewApproval extends ApprovalBinding {
  id: string;
  operation: string;
  requester: Person;
  approvers: readonly Person[];
  expiresMinutes: number;
  details?: ApprovalDetails;
}

export type RefusalCode = 'self-approval' | 'not-approver' | 'already-decided' | 'expired' | 'stale';

export type Transition =
  | { ok: true; request: ApprovalRequest }
  | { ok: false; code: RefusalCode; message: string; request: ApprovalRequest };

export interface Decision {
  action: 'approve' | 'reject';
  by: Actor;
  at: Date;
  /** The sha and config hash as they are now: a change voids the approval. */
  current: Pick<ApprovalBinding, 'sha' | 'configHash'>;
}

export function createApproval(input: NewApproval, now: Date): ApprovalRequest {
  const { expiresMinutes, approvers, requester, ...rest } = input;
  return {
    ...rest,
    requester: { id: requester.id, name: requester.name },
    approvers: approvers.map((a) => a.name),
    approverIds: approvers.map((a) => a.id),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiresMinutes * 60_000).toISOString(),
    state: ApprovalState.Pending,
    version: 1,
  };
}

export function isFinal(request: ApprovalRequest): boolean {
  return request.state !== ApprovalState.Pending;
}

export function isExpired(request: ApprovalRequest, now: Date): boolean {
  return now.getTime() >= Date.parse(request.expiresAt);
}

/** What changed since the request was made, or undefined when it still holds. */
export function bindingChange(request: ApprovalBinding, current: Pick<ApprovalBinding, 'sha' | 'configHash'>): string | undefined {
  if (request.sha !== current.sha) return `the commit changed from ${request.sha.slice(0, 7)} to ${current.sha.slice(0, 7)}`;
  if (request.configHash !== current.configHash) return 'the configuration changed';
  return undefined;
}

/** `approved by carol`, `expired`, ... */
export function describeState(request: ApprovalRequest): string {
  const by = request.decidedBy ? ` by ${request.decidedBy.name}` : '';
  if (request.state === ApprovalState.Rejected && request.decidedBy?.id === request.requester.id) return `withdrawn by ${request.requester.name}`;
  if (request.state === ApprovalState.Void || request.state === ApprovalState.Expired) {
    return `${request.state}${request.note ? `: ${request.note}` : ''}`;
  }
  return `${request.state}${by}`;
}

function next(request: ApprovalRequest, state: ApprovalState, at: Date, extra: Partial<ApprovalRequest>): ApprovalRequest {
  return { ...request, ...extra, state, decidedAt: at.toISOString(), version: request.version + 1 };
}

function refuse(request: ApprovalRequest, code: RefusalCode, message: string): Transition {
  return { ok: false, code, message, request };
}

/** A pending request past its expiry becomes expired; anything else is returned unchanged. */
export function expire(request: ApprovalRequest, now: Date): ApprovalRequest {
  if (isFinal(request) || !isExpired(request, now)) return request;
  return next(request, ApprovalState.Expired, now, { note: `no decision within the time allowed` });
}

/** Voids a pending request whose sha or config changed; unchanged otherwise. */
export function voidIfChanged(request: ApprovalRequest, current: Pick<ApprovalBinding, 'sha' | 'configHash'>, now: Date): ApprovalRequest {
  const change = bindingChange(request, current);
  if (isFinal(request) || change === undefined) return request;
  return next(request, ApprovalState.Void, now, { note: change });
}

/** Requests made before approvers were resolved to ids listed config entries only: ids among them still match. */
function approverIdsOf(request: ApprovalRequest): readonly string[] {
  return (request as Partial<ApprovalRequest>).approverIds ?? request.approvers;
}

/** Approve or reject: checks in order finality, expiry, binding, then who clicks. */
export function decide(request: ApprovalRequest, decision: Decision): Transition {
  const { by, at, action } = decision;
  if (isFinal(request)) return refuse(request, 'already-decided', `this request is already ${describeState(request)}`);
  if (isExpired(request, at)) return refuse(request, 'expired', `this request expired at ${request.expiresAt}; ask again`);
  const change = bindingChange(request, decision.current);
  if (change !== undefined) return refuse(request, 'stale', `this request is void: ${change} since it was made; ask again`);
  const requester = by.id === request.requester.id;
  if (action === 'approve' && requester) return refuse(request, 'self-approval', `${by.name} requested this and cannot approve it: another approver must`);
  if (!requester && !isApprover(approverIdsOf(request), by)) {
    return refuse(request, 'not-approver', `${by.name} is not an approver for ${request.env} (approvers: ${request.approvers.join(', ')})`);
  }
  const state = action === 'approve' ? ApprovalState.Approved : ApprovalState.Rejected;
  return { ok: true, request: next(request, state, at, { decidedBy: { id: by.id, name: by.name } }) };
}

/** Before running an approved change: still approved, and for exactly this sha and config. */
export function approvalProblem(request: ApprovalRequest, current: Pick<ApprovalBinding, 'sha' | 'configHash'>): string | undefined {
  if (request.state !== ApprovalState.Approved) return `the request is ${describeState(request)}, not approved`;
  const change = bindingChange(request, current);
  return change === undefined ? undefined : `the approval is void: ${change} since it was approved`;
}
