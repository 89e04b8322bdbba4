// Runs one operation under the lock of its app and environment: waits behind the current
// holder (telling who it is), keeps the lock alive while the operation runs, frees it after.
// Time is injected (a Clock), so tests drive it without real waiting.
import { ErrorCode, NestorError } from '../errors.js';
import { onePerClockAndPeriod, type Clock } from '../ports/clock.js';
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
  /**
   * The lock store runs the release before anything the caller sends it next (one connection, in
   * order), so the caller need not wait for the release's answer: the operation's result comes
   * back without it (a failed release still goes to `onError`; the lock then expires).
   */
  releaseInOrder?: boolean;
}

/** What holding a lock taken already needs. */
export type HoldOptions = Pick<WithLockOptions, 'ttlMs' | 'heartbeatMs' | 'clock' | 'onError' | 'releaseInOrder'>;

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
  const held = heartbeats(options.clock, options.heartbeatMs ?? Math.max(1, Math.floor(options.ttlMs / 3))).hold(handle, options);
  try {
    return await fn(new HeldScope(key, held));
  } finally {
    const renewing = held.stop();
    if (renewing) await renewing;
    const released = handle.release().catch((e: unknown) => options.onError?.(e));
    if (!options.releaseInOrder) await released;
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

// The renewals of every lock held in this process on one clock at one period share one timer,
// which runs while some lock is held and stops at its first tick with none: a job's hold then
// costs no timer and no AbortController of its own (starting and stopping them for each of a
// run of short jobs cost more than the rest of a no-op job's hold, and its latency; see the queue
// bench). Its wait is a background one (Clock.sleep): it keeps no process alive after its work.
// A lock joining between two ticks is renewed early at the next one, which only extends it.
const heartbeats = onePerClockAndPeriod((clock, every) => new Ticker(clock, every));

/**
 * The operation's view of its lock. A class, not an object literal with a getter: V8 pretenured
 * those literals (allocated them in the old generation), where each kept the young objects it
 * referenced alive through scavenges until a full GC: a queued no-op job's hold promoted 98 KB a
 * scavenge instead of 8, and the longer pauses set the queue's p99.
 */
class HeldScope implements LockScope {
  constructor(readonly key: string, private readonly held: Held) {}

  get signal(): AbortSignal {
    return this.held.signal();
  }

  assertHeld(): void {
    this.held.assertHeld();
  }
}

/** A lock held, as its heartbeat sees it. */
interface Held {
  signal(): AbortSignal;
  assertHeld(): void;
  /** No more renewals; a renewal under way, if any, to wait for. */
  stop(): Promise<void> | undefined;
}

class HeldLockState implements Held {
  renewed: number;
  renewing: Promise<void> | undefined;
  private lostError: NestorError | undefined;
  private controller: AbortController | undefined;

  constructor(readonly handle: LockHandle, readonly options: HoldOptions, private readonly leave: (held: HeldLockState) => void) {
    this.renewed = options.clock.now();
  }

  // Made only when the operation looks at it: most never do before they end.
  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.lostError) this.controller.abort(this.lostError);
    }
    return this.controller.signal;
  }

  assertHeld(): void {
    if (this.lostError) throw this.lostError;
  }

  lose(): void {
    this.lostError = new NestorError(ErrorCode.Locked, `lost the lock on ${this.handle.key} (it expired, was taken over, or was broken with nestor unlock); stopped`);
    this.controller?.abort(this.lostError);
    this.leave(this);
  }

  stop(): Promise<void> | undefined {
    this.leave(this);
    return this.renewing;
  }
}

const BACKGROUND = { background: true } as const;

class Ticker {
  private readonly held = new Set<HeldLockState>();
  private running = false;

  constructor(private readonly clock: Clock, private readonly every: number) {}

  hold(handle: LockHandle, options: HoldOptions): Held {
    const held = new HeldLockState(handle, options, (h) => this.held.delete(h));
    this.held.add(held);
    if (!this.running) void this.run();
    return held;
  }

  private async run(): Promise<void> {
    this.running = true;
    do {
      await this.clock.sleep(this.every, undefined, BACKGROUND);
      for (const held of this.held) held.renewing ??= this.renew(held).finally(() => (held.renewing = undefined));
    } while (this.held.size > 0);
    this.running = false;
  }

  private async renew(held: HeldLockState): Promise<void> {
    const { handle, options } = held;
    let still: boolean | undefined;
    try {
      still = await handle.renew(options.ttlMs);
    } catch (e) {
      options.onError?.(e); // unknown: the lock may still be ours until a whole ttl has passed
    }
    if (!this.held.has(held)) return;
    if (still) held.renewed = this.clock.now();
    if (still === false || this.clock.now() - held.renewed >= options.ttlMs) held.lose();
  }
}
