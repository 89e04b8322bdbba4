// Port: where approval requests live while they wait, shared by every bot process. Writes are
// compare-and-set on the request's version, so two decisions at once give exactly one winner
// (in Redis: a Lua script comparing the stored version before SET). Pending requests can be
// listed by expiry, for the sweep that records their expiry (approval-flow.ts expireStored).
// A decided request has follow-ups (its job queued, every copy of its message updated) that the
// process deciding it does at once; it stays listed as unsettled until they are done, so a
// process that dies in between leaves them to the next sweep instead of losing them.
import type { ApprovalRequest } from '../commands/approval.js';

export type CasResult = { ok: true } | { ok: false; current: ApprovalRequest | undefined };

export interface PendingQuery {
  /** Only requests expiring at or before this time (`expiresAt <= expiringBy`). Default: all. */
  expiringBy?: Date;
  /** At most this many, soonest expiry first. Default 100. */
  limit?: number;
}

export interface ApprovalStore {
  /** Stores a new request (version 1); false when the id is taken. */
  create(request: ApprovalRequest): Promise<boolean>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /**
   * Replaces the stored request by `next` when the stored version is `expectedVersion`;
   * otherwise changes nothing and returns what is stored.
   */
  compareAndSet(id: string, expectedVersion: number, next: ApprovalRequest): Promise<CasResult>;
  /**
   * Requests still pending, soonest expiry first (ties by id). A request leaves the list when a
   * write makes it anything but pending; one decided meanwhile may still be returned, so callers
   * write by compare-and-set as always.
   */
  listPending(query?: PendingQuery): Promise<ApprovalRequest[]>;
  /**
   * Decided requests whose follow-ups are not done, due at or before `dueBy`, soonest first. A
   * write that decides a request lists it, due FOLLOW_UP_LEASE_MS after its `decidedAt`: the
   * deciding process has that long before another takes the follow-ups over.
   */
  listUnsettled(query: UnsettledQuery): Promise<ApprovalRequest[]>;
  /** Takes the follow-ups of an unsettled request that is due, for FOLLOW_UP_LEASE_MS after `now`: true for one caller only. */
  claimFollowUp(id: string, now: Date): Promise<boolean>;
  /** The follow-ups are done: the request leaves the unsettled list. */
  settle(id: string): Promise<void>;
}

export interface UnsettledQuery {
  dueBy: Date;
  /** Default 100. */
  limit?: number;
}

/** How long a process has to do a decision's follow-ups before another takes them over. */
export const FOLLOW_UP_LEASE_MS = 60_000;

/** When the follow-ups of a decided request fall to any process (NaN-safe: a request without `decidedAt` is due at once). */
export function followUpDueAt(request: ApprovalRequest): number {
  const decided = Date.parse(request.decidedAt ?? '');
  return Number.isNaN(decided) ? 0 : decided + FOLLOW_UP_LEASE_MS;
}

export const DEFAULT_PENDING_LIMIT = 100;
