// The in-memory ApprovalStore: the fake for tests and the store of the single-process shell.
// Each call yields once before touching the map, so concurrent callers interleave as they
// would against Redis.
import type { ApprovalRequest } from '../../core/commands/approval.js';
import type { ApprovalStore, CasResult } from '../../core/ports/approval-store.js';

const copy = (r: ApprovalRequest): ApprovalRequest => structuredClone(r);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MemoryApprovalStore implements ApprovalStore {
  private readonly requests = new Map<string, ApprovalRequest>();

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
    return { ok: true };
  }
}
