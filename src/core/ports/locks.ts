// Port: one operation at a time on one app in one environment, across processes and machines.
// A lock has an owner (the job) and an expiry, so a crashed owner never leaves it stuck. Simple
// enough for Redis: `SET key value NX PX ttl` to take it, a compare-on-token script to renew or
// release it.
import { ErrorCode, NestorError } from '../errors.js';

/** Who holds a lock: the job and the person behind it, and what they are doing. */
export interface LockOwner {
  /** The job id. The same id taking the lock again (a retried job) gets it at once. */
  id: string;
  user: string;
  /** What runs under the lock, for people waiting: `deploy mary@feature-x`. */
  operation: string;
}

/** A lock as seen by others: its owner, since when it is held and when it lapses unless renewed. */
export interface HeldLock extends LockOwner {
  /** ISO-8601; kept when the same owner takes the lock again. */
  since: string;
  /** ISO-8601. */
  expiresAt: string;
}

/** A lock this process holds. */
export interface LockHandle {
  held: true;
  key: string;
  /**
   * Pushes the expiry to now + ttlMs. False when the lock was lost: it expired and someone else
   * took it, or the same owner took it again elsewhere (a retry supersedes the attempt before).
   */
  renew(ttlMs: number): Promise<boolean>;
  /** Frees the lock if this handle still holds it; never frees anyone else's. Idempotent. */
  release(): Promise<void>;
}

/** The lock is held by someone else. */
export interface LockBusy {
  held: false;
  key: string;
  by: HeldLock;
}

export type LockAttempt = LockHandle | LockBusy;

export interface Locks {
  /**
   * Takes the lock for `ttlMs` unless someone else holds it. Never waits (see withLock).
   * Free, expired, or held by the same `owner.id`: taken. Errors: BadInput for an invalid key
   * or ttl.
   */
  acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt>;
  /** The live holder, undefined when free or expired. */
  current(key: string): Promise<HeldLock | undefined>;
}

/** Keys are file names and Redis key suffixes: letters, digits, `.`, `_`, `:` and `-`, no `..`. */
export const LOCK_KEY = /^[A-Za-z0-9_][A-Za-z0-9._:-]{0,199}$/;

export function isLockKey(key: string): boolean {
  return LOCK_KEY.test(key) && !key.includes('..');
}

/** The lock of one app in one environment (both DNS labels, so the key is unambiguous). */
export function appLockKey(app: string, env: string): string {
  return `${env}.${app}`;
}

/** `deploy mary@feature-x by alice since 2024-05-01T10:00:00.000Z`. */
export function describeHolder(by: HeldLock): string {
  return `${by.operation} by ${by.user} since ${by.since}`;
}

/** What every implementation checks first: a valid key, and a ttl in whole milliseconds above zero. */
export function checkLockRequest(key: string, ttlMs?: number): void {
  if (!isLockKey(key)) {
    throw new NestorError(ErrorCode.BadInput, `invalid lock key "${key}": expected letters, digits, ".", "_", ":" or "-", without ".."`);
  }
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    throw new NestorError(ErrorCode.BadInput, `invalid lock ttl ${ttlMs}: expected a whole number of milliseconds above 0`);
  }
}
