// Runs one operation under the lock of its app and environment: waits behind the current
// holder (telling who it is), keeps the lock alive while the operation runs, frees it after.
// Time is injected (a Clock), so tests drive it without real waiting.
import { ErrorCode, NestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { describeHolder, type HeldLock, type LockHandle, type LockOwner, type Locks } from '../ports/locks.js';

export interface WithLockOptions {
  /** How long the lock lives without a renewal: what a crashed owner leaves behind at most. */
  ttlMs: number;
  /** How long to wait behind another holder before giving up (0: try once). */
  waitMs: number;
  /** Between two attempts while waiting. Default 1000. */
  pollMs?: number;
  /** Between two renewals while the operation runs. Default ttlMs / 3. */
  heartbeatMs?: number;

  /** Waiting behind a holder and between renewals: the clock the lock store expires by. */
  clock: Clock;
  /** Called once per holder met while waiting, to tell the user what they wait behind. */
  onWaiting?: (by: HeldLock) => void;
  /** Failed renewals and releases (the lock then expires by itself), for logs. */
  onError?: (error: unknown) => void;
  /** Stops the wait (the operation itself gets `scope.signal`). */
  signal?: AbortSignal;
}

/** What holding a lock taken already needs. */
export type HoldOptions = Pick<WithLockOptions, 'ttlMs' | 'heartbeatMs' | 'clock' | 'onError'>;

/** What the operation sees of its lock. */
export interface LockScope {
  key: string;
  /** Aborted, with a NestorError(Locked), once the lock is lost: check it between steps. */
  signal: AbortSignal;
  /** Throws that error if the lock was lost. */
  assertHeld(): void;
}

const DEFAULT_POLL_MS = 1000;

/** `waiting behind deploy mary@feature-x by alice since 2024-05-01T10:00:00.000Z`. */
export function waitingMessage(by: HeldLock): string {
  return `waiting behind ${describeHolder(by)}`;
}

/**
 * Runs `fn` holding `key`; the lock is released when `fn` settles, even if it throws. Errors:
 * NestorError(Locked, retryable) when still held by someone else after `waitMs`. When the lock
 * is lost while `fn` runs (renewals failed for a whole ttl, or it was taken over), `scope.signal`
 * aborts; `fn` decides how to stop, and its outcome is returned as is.
 */
export async function withLock<T>(
  locks: Locks,
  key: string,
  owner: LockOwner,
  options: WithLockOptions,
  fn: (scope: LockScope) => Promise<T>,
): Promise<T> {
  return holdLock(await waitForLock(locks, key, owner, options), options, fn);
}

/** Runs `fn` under a lock already taken: renewed while it runs, released when it settles. */
export async function holdLock<T>(
  handle: LockHandle,
  options: HoldOptions,
  fn: (scope: LockScope) => Promise<T>,
): Promise<T> {
  const { key } = handle;
  const lost = new AbortController();
  const heartbeat = startHeartbeat(handle, options, lost);
  try {
    return await fn({ key, signal: lost.signal, assertHeld: () => lost.signal.throwIfAborted() });
  } finally {
    await heartbeat.stop();
    await handle.release().catch((e: unknown) => options.onError?.(e));
  }
}

async function waitForLock(locks: Locks, key: string, owner: LockOwner, options: WithLockOptions): Promise<LockHandle> {
  const deadline = options.clock.now() + options.waitMs;
  const signal = options.signal ?? new AbortController().signal;
  let told: string | undefined;
  for (;;) {
    signal.throwIfAborted();
    const attempt = await locks.acquire(key, owner, options.ttlMs);
    if (attempt.held) return attempt;
    const holder = `${attempt.by.id}\u0000${attempt.by.since}`;
    if (holder !== told) {
      told = holder;
      options.onWaiting?.(attempt.by);
    }
    const left = deadline - options.clock.now();
    if (left <= 0) throw busy(key, attempt.by, options.waitMs);
    await options.clock.sleep(Math.min(options.pollMs ?? DEFAULT_POLL_MS, left), signal);
  }
}

function busy(key: string, by: HeldLock, waitedMs: number): NestorError {
  const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)}s)` : '';
  return new NestorError(ErrorCode.Locked, `${key} is busy: ${describeHolder(by)}${waited}; try again later`, {
    retryable: true,
    detail: { key, holder: by.id },
  });
}

// A reason given, so that stopping (once per job) builds no DOMException with its stack.
const HEARTBEAT_STOPPED = 'heartbeat stopped';

function startHeartbeat(handle: LockHandle, options: HoldOptions, lost: AbortController): { stop(): Promise<void> } {
  const stopper = new AbortController();
  const every = options.heartbeatMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
  let renewed = options.clock.now();
  const loop = async (): Promise<void> => {
    while (!stopper.signal.aborted) {
      await options.clock.sleep(every, stopper.signal);
      if (stopper.signal.aborted) return;
      let held: boolean | undefined;
      try {
        held = await handle.renew(options.ttlMs);
      } catch (e) {
        options.onError?.(e); // unknown: the lock may still be ours until a whole ttl has passed
      }
      if (held) renewed = options.clock.now();
      if (held === false || options.clock.now() - renewed >= options.ttlMs) {
        lost.abort(new NestorError(ErrorCode.Locked, `lost the lock on ${handle.key} (it expired, was taken over, or was broken with nestor unlock); stopped`));
        return;
      }
    }
  };
  const running = loop();
  return {
    stop: async () => {
      stopper.abort(HEARTBEAT_STOPPED);
      await running;
    },
  };
}
