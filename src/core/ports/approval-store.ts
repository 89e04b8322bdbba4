// Port: where approval requests live while they wait, shared by every bot process. Writes are
// compare-and-set on the request's version, so two decisions at once give exactly one winner
// (in Redis: a Lua script comparing the stored version before SET).
import type { ApprovalRequest } from '../commands/approval.js';

export type CasResult = { ok: true } | { ok: false; current: ApprovalRequest | undefined };

export interface ApprovalStore {
  /** Stores a new request (version 1); false when the id is taken. */
  create(request: ApprovalRequest): Promise<boolean>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /**
   * Replaces the stored request by `next` when the stored version is `expectedVersion`;
   * otherwise changes nothing and returns what is stored.
   */
  compareAndSet(id: string, expectedVersion: number, next: ApprovalRequest): Promise<CasResult>;
}
