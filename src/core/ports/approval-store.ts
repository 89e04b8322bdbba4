// Port: where approval requests live while they wait, shared by every bot process. Writes are
// compare-and-set on the request's version, so two decisions at once give exactly one winner
// (in Redis: a Lua script comparing the stored version before SET). Pending requests can be
// listed by expiry, for the sweep that records their expiry (approval-flow.ts expireStored).
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
}

export const DEFAULT_PENDING_LIMIT = 100;
