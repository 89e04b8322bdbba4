// The in-memory ApprovalStore: the fake for tests and the store of the single-process shell.
// Each call yields once before touching the map, so concurrent callers interleave as they
// would against Redis.
import { ApprovalState, type ApprovalRequest } from '../../../core/commands/approval.js';
import { DEFAULT_PENDING_LIMIT, FOLLOW_UP_LEASE_MS, followUpDueAt, type ApprovalStore, type CasResult, type PendingQuery, type UnsettledQuery } from '../../../core/ports/approval-store.js';

const copy = (r: ApprovalRequest): ApprovalRequest => structuredClone(r);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MemoryApprovalStore implements ApprovalStore {
  private readonly requests = new Map<string, ApprovalRequest>();
  /** Unsettled decided requests: when their follow-ups fall to any caller. */
  private readonly unsettled = new Map<string, number>();

  async create(request: ApprovalRequest): Promise<boolean> {
    await tick();
    if (this.requests.has(request.id)) return false;
    this.requests.set(request.id, copy(request));
    return true;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    await tick();
    const found = this.requests.get(id);
    return found && copy(found);
  }

  async compareAndSet(id: string, expectedVersion: number, next: ApprovalRequest): Promise<CasResult> {
    await tick();
    const stored = this.requests.get(id);
    if (stored === undefined || stored.version !== expectedVersion) return { ok: false, current: stored && copy(stored) };
    this.requests.set(id, copy(next));
    if (next.state === ApprovalState.Pending) this.unsettled.delete(id);
    else this.unsettled.set(id, followUpDueAt(next));
    return { ok: true };
  }

  async listPending(query: PendingQuery = {}): Promise<ApprovalRequest[]> {
    await tick();
    const by = query.expiringBy?.getTime() ?? Infinity;
    return [...this.requests.values()]
      .filter((r) => r.state === ApprovalState.Pending && Date.parse(r.expiresAt) <= by)
      .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, query.limit ?? DEFAULT_PENDING_LIMIT)
      .map(copy);
  }

  async listUnsettled(query: UnsettledQuery): Promise<ApprovalRequest[]> {
    await tick();
    const by = query.dueBy.getTime();
    return [...this.unsettled.entries()]
      .filter(([, due]) => due <= by)
      .sort(([a, dueA], [b, dueB]) => dueA - dueB || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, query.limit ?? DEFAULT_PENDING_LIMIT)
      .flatMap(([id]) => {
        const found = this.requests.get(id);
        return found ? [copy(found)] : [];
      });
  }

  async claimFollowUp(id: string, now: Date): Promise<boolean> {
    await tick();
    const due = this.unsettled.get(id);
    if (due === undefined || due > now.getTime()) return false;
    this.unsettled.set(id, now.getTime() + FOLLOW_UP_LEASE_MS);
    return true;
  }

  async settle(id: string): Promise<void> {
    await tick();
    this.unsettled.delete(id);
  }
}
