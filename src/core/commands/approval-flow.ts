// Applying a decision through an ApprovalStore: read, decide, compare-and-set. When another
// decision landed in between, the request is read again and this one is refused, naming who
// decided. Refusals change nothing (the caller audits them); expiry is recorded by a sweep
// calling expireStored, never as a side effect of a refused click.
import type { ApprovalStore } from '../ports/approval-store.js';
import { decide, expire, type ApprovalRequest, type Decision, type RefusalCode } from './approval.js';

export type StoredDecision =
  | { ok: true; request: ApprovalRequest }
  | { ok: false; code: RefusalCode | 'not-found'; message: string; request?: ApprovalRequest };

const MAX_ATTEMPTS = 5;

export async function decideStored(store: ApprovalStore, id: string, decision: Decision): Promise<StoredDecision> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const stored = await store.get(id);
    if (stored === undefined) return { ok: false, code: 'not-found', message: 'this approval request no longer exists' };
    const transition = decide(stored, decision);
    if (!transition.ok) return transition;
    const written = await store.compareAndSet(id, stored.version, transition.request);
    if (written.ok) return { ok: true, request: transition.request };
  }
  return { ok: false, code: 'already-decided', message: 'this request changed while being decided; look at it again' };
}

export interface StoredExpiry {
  /** The request as it now is (as stored, when another write got there first). */
  request: ApprovalRequest;
  /** True only for the call that recorded the expiry: of two sweeps at once, exactly one. */
  expired: boolean;
}

/** Records the expiry of a pending request past its time, by compare-and-set; a lost race is harmless. */
export async function expireStored(store: ApprovalStore, request: ApprovalRequest, now: Date): Promise<StoredExpiry> {
  const expired = expire(request, now);
  if (expired === request) return { request, expired: false };
  const written = await store.compareAndSet(request.id, request.version, expired);
  return written.ok ? { request: expired, expired: true } : { request: written.current ?? request, expired: false };
}
