// Port: one operation at a time on one app in one environment, across processes and machines.
// A lock has an owner (the job) and an expiry, so a crashed owner never leaves it stuck. Simple
// enough for Redis: `SET key value NX PX ttl` to take it, a compare-on-token script to renew or
// release it. A store used by CLI processes also records the holder's host and pid, so a holder
// known dead (same host, no such process) is taken over at once rather than at its expiry; what
// is left, people break with `nestor unlock`, and the store keeps a note of who did.
import { ErrorCode, NestorError } from '../errors.js';

/** Who holds a lock: the job and the person behind it, and what they are doing. */
export interface LockOwner {
  /** The job id. The same id taking the lock again (a retried job) gets it at once. */
  id: string;
  user: string;
  /** What runs under the lock, for people waiting: `deploy mary@feature-x`. */
  operation: string;
}

/** The process taking locks, recorded by stores that CLI processes use. */
export interface LockProcess {
  host: string;
  pid: number;
  /** Whether a process of this host with this pid is running. */
  isAlive(pid: number): boolean;
}

/** A lock as seen by others: its owner, since when it is held and when it lapses unless renewed. */
export interface HeldLock extends LockOwner {
  /** ISO-8601; kept when the same owner takes the lock again. */
  since: string;
  /** ISO-8601. */
  expiresAt: string;
  /** The holder's host and pid, when its store records them (CLI processes). */
  host?: string;
  pid?: number;
}

/** A lock freed by hand (`nestor unlock`): who held it, who broke it and when. */
export interface BrokenLock {
  holder: HeldLock;
  by: string;
  /** ISO-8601. */
  at: string;
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
  /**
   * Frees the lock for `by` if `holder` (same id and since) still holds it, and keeps a note of
   * it. The note; undefined when the lock is free or changed hands meanwhile. The holder's
   * handle then fails to renew, as if the lock had expired.
   */
  breakLock(key: string, holder: Pick<HeldLock, 'id' | 'since'>, by: string): Promise<BrokenLock | undefined>;
  /** The last note of a lock broken by hand on `key` (kept at least 30 days), if any. */
  lastBroken(key: string): Promise<BrokenLock | undefined>;
}

/** How long stores keep the notes of broken locks, at least. */
export const BROKEN_LOCK_KEEP_MS = 30 * 24 * 3_600_000;

/**
 * Whether `by` is known dead from `self`'s point of view: it recorded its host and pid, the host
 * is this one, and no such process runs. A holder on another host is never judged from here.
 */
export function isKnownDead(by: Pick<HeldLock, 'host' | 'pid'>, self: LockProcess | undefined): boolean {
  if (!self || by.host === undefined || by.pid === undefined || by.host !== self.host) return false;
  return by.pid !== self.pid && !self.isAlive(by.pid);
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

/** The lock of an app's branch workflow (CI successes): `ci:<app>`, which no app-env key can be (environments have no colon). */
export function ciLockKey(app: string): string {
  return `ci:${app}`;
}

/** The lock of an environment's datastores (`dev3:datastore`): a datastore job and the nightly schedule's run there one at a time. */
export function datastoreLockKey(env: string): string {
  return `${env}:datastore`;
}

/** `deploy mary@feature-x by alice since 2024-05-01T10:00:00.000Z`. */
export function describeHolder(by: HeldLock): string {
  return `${by.operation} by ${by.user} since ${by.since}`;
}

/** `job job-1 (deploy mary@feature-x) by alice since …, on host ci-3 pid 4242, expires at …`. */
export function describeHolderFully(by: HeldLock): string {
  const where = by.host === undefined ? '' : `, on host ${by.host}${by.pid === undefined ? '' : ` pid ${by.pid}`}`;
  return `job ${by.id} (${by.operation}) by ${by.user} since ${by.since}${where}, expires at ${by.expiresAt}`;
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
