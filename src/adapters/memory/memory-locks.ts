// In-memory Locks for unit tests: one instance stands for the shared store (Redis, a folder)
// that every "process" of a test talks to. Time comes from an injected clock.
import {
  checkLockRequest,
  type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type Locks,
} from '../../core/ports/locks.js';

interface Entry extends HeldLock {
  /** One per acquisition: a handle only renews or releases what it took itself. */
  token: number;
}

export interface MemoryLocksOptions {
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function view(entry: Entry): HeldLock {
  const { id, user, operation, since, expiresAt } = entry;
  return { id, user, operation, since, expiresAt };
}

export class MemoryLocks implements Locks {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private tokens = 0;

  constructor(options: MemoryLocksOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt> {
    checkLockRequest(key, ttlMs);
    const now = this.now();
    const live = this.live(key, now);
    if (live && live.id !== owner.id) return { held: false, key, by: view(live) };
    const token = (this.tokens += 1);
    const { id, user, operation } = owner;
    this.entries.set(key, { id, user, operation, since: live?.since ?? iso(now), expiresAt: iso(now + ttlMs), token });
    return this.handle(key, token);
  }

  async current(key: string): Promise<HeldLock | undefined> {
    checkLockRequest(key);
    const live = this.live(key, this.now());
    return live && view(live);
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && Date.parse(entry.expiresAt) > now ? entry : undefined;
  }

  private handle(key: string, token: number): LockHandle {
    return {
      held: true,
      key,
      renew: async (ttlMs) => {
        checkLockRequest(key, ttlMs);
        const now = this.now();
        const live = this.live(key, now);
        if (live?.token !== token) return false;
        live.expiresAt = iso(now + ttlMs);
        return true;
      },
      release: async () => {
        if (this.entries.get(key)?.token === token) this.entries.delete(key);
      },
    };
  }
}
