// In-memory Locks for unit tests: one instance (or one MemoryLockStore) stands for the shared
// store (Redis, a folder) that every "process" of a test talks to. Time comes from an injected
// clock; `process`, when given, is recorded with each lock and judges other holders of its host
// as a CLI's store does.
import { systemClock } from '../../../adapters/system/system-clock.js';
import type { Clock } from '../../../core/ports/clock.js';
import {
  checkLockRequest, isKnownDead,
  type BrokenLock, type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type LockProcess, type Locks,
} from '../../../core/ports/locks.js';

interface Entry extends HeldLock {
  /** One per acquisition: a handle only renews or releases what it took itself. */
  token: number;
}

/** What several MemoryLocks share, as processes share Redis: give the same one to each. */
export class MemoryLockStore {
  readonly entries = new Map<string, Entry>();
  readonly broken = new Map<string, BrokenLock>();
  tokens = 0;
}

export interface MemoryLocksOptions {
  /** Default: a store of its own. */
  store?: MemoryLockStore;
  /** Default: the system clock. */
  clock?: Clock;
  /** The process taking the locks, recorded with them. Default: none recorded. */
  process?: LockProcess;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function view(entry: Entry): HeldLock {
  const { token: _token, ...held } = entry;
  return { ...held };
}

export class MemoryLocks implements Locks {
  private readonly store: MemoryLockStore;
  private readonly clock: Clock;
  private readonly process: LockProcess | undefined;

  constructor(options: MemoryLocksOptions = {}) {
    this.store = options.store ?? new MemoryLockStore();
    this.clock = options.clock ?? systemClock;
    this.process = options.process;
  }

  async acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt> {
    checkLockRequest(key, ttlMs);
    const now = this.clock.now();
    const live = this.live(key, now);
    if (live && live.id !== owner.id && !isKnownDead(live, this.process)) return { held: false, key, by: view(live) };
    const token = (this.store.tokens += 1);
    const { id, user, operation } = owner;
    const since = live?.id === id ? live.since : iso(now);
    const where = this.process ? { host: this.process.host, pid: this.process.pid } : {};
    this.store.entries.set(key, { id, user, operation, since, expiresAt: iso(now + ttlMs), ...where, token });
    return this.handle(key, token);
  }

  async current(key: string): Promise<HeldLock | undefined> {
    checkLockRequest(key);
    const live = this.live(key, this.clock.now());
    return live && view(live);
  }

  async breakLock(key: string, holder: Pick<HeldLock, 'id' | 'since'>, by: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    const now = this.clock.now();
    const live = this.live(key, now);
    if (!live || live.id !== holder.id || live.since !== holder.since) return undefined;
    this.store.entries.delete(key);
    const note = { holder: view(live), by, at: iso(now) };
    this.store.broken.set(key, note);
    return note;
  }

  async lastBroken(key: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    return this.store.broken.get(key);
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.store.entries.get(key);
    return entry && Date.parse(entry.expiresAt) > now ? entry : undefined;
  }

  private handle(key: string, token: number): LockHandle {
    return {
      held: true,
      key,
      renew: async (ttlMs) => {
        checkLockRequest(key, ttlMs);
        const now = this.clock.now();
        const live = this.live(key, now);
        if (live?.token !== token) return false;
        live.expiresAt = iso(now + ttlMs);
        return true;
      },
      release: async () => {
        if (this.store.entries.get(key)?.token === token) this.store.entries.delete(key);
      },
    };
  }
}
