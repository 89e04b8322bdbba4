import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLocks } from '../../../src/testkit/fakes/memory/memory-locks.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { appLockKey, type HeldLock, type LockOwner, type Locks } from '../../../src/core/ports/locks.js';
import { waitingMessage, withLock, type LockScope, type WithLockOptions } from '../../../src/core/release/with-lock.js';
import { ManualClock, settle } from '../../../src/testkit/fakes/time/manual-clock.js';

const alice: LockOwner = { id: 'job-1', user: 'alice', operation: 'deploy mary@feature-x' };
const bob: LockOwner = { id: 'job-2', user: 'bob', operation: 'config set mary' };
const KEY = appLockKey('mary', 'dev3');
const TTL = 30_000;

let clock: ManualClock;
let locks: MemoryLocks;
let waiting: HeldLock[];

function options(extra: Partial<WithLockOptions> = {}): WithLockOptions {
  return { ttlMs: TTL, waitMs: 60_000, pollMs: 1000, clock, onWaiting: (by) => waiting.push(by), ...extra };
}

/** An operation that runs until the test finishes it. */
function gate(): { run: (scope: LockScope) => Promise<string>; finish: () => void; scope: () => LockScope | undefined } {
  let finish = () => {};
  let seen: LockScope | undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { run: async (scope) => ((seen = scope), await done, 'done'), finish: () => finish(), scope: () => seen };
}

beforeEach(() => {
  clock = new ManualClock();
  locks = new MemoryLocks({ clock });
  waiting = [];
});

/** With no lock held, the heartbeat's timer runs out at its next tick, and is not set again. */
async function heartbeatStops(): Promise<void> {
  expect(clock.sleepers).toBeLessThanOrEqual(1);
  await clock.advance(TTL / 3);
  expect(clock.sleepers).toBe(0);
}

describe('withLock', () => {
  it('runs the operation holding the lock and frees it afterwards', async () => {
    const result = await withLock(locks, KEY, alice, options(), async () => (await locks.current(KEY))?.operation);
    expect(result).toBe(alice.operation);
    expect(await locks.current(KEY)).toBeUndefined();
    expect(waiting).toEqual([]);
  });

  it('frees the lock when the operation throws, and passes the error on', async () => {
    await expect(withLock(locks, KEY, alice, options(), async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await locks.current(KEY)).toBeUndefined();
    await heartbeatStops();
  });

  it('waits behind the holder, saying who, then runs', async () => {
    const first = gate();
    const running = withLock(locks, KEY, alice, options(), first.run);
    await settle();
    const second = withLock(locks, KEY, bob, options(), async () => 'second');
    await clock.advance(5_000);
    expect(waiting.map(waitingMessage)).toEqual(['waiting behind deploy mary@feature-x by alice since 2024-05-01T10:00:00.000Z']);
    first.finish();
    expect(await running).toBe('done');
    await clock.advance(1_000);
    expect(await second).toBe('second');
    expect(waiting).toHaveLength(1);
  });

  it('gives up after waitMs with a retryable error naming the holder', async () => {
    held(await locks.acquire(KEY, alice, 600_000));
    const attempt = withLock(locks, KEY, bob, options({ waitMs: 10_000 }), async () => 'never').catch((e: unknown) => e);
    await clock.advance(10_000);
    const error = await attempt;
    expect(error).toBeInstanceOf(NestorError);
    expect(error).toMatchObject({ code: ErrorCode.Locked, retryable: true });
    expect((error as Error).message).toBe('dev3.mary is busy: deploy mary@feature-x by alice since 2024-05-01T10:00:00.000Z (waited 10s); try again later');
  });

  it('takes over the lock of a crashed owner once it expires', async () => {
    held(await locks.acquire(KEY, alice, TTL));
    let ran = false;
    const attempt = withLock(locks, KEY, bob, options(), async () => void (ran = true));
    await clock.advance(TTL - 1_000);
    expect(ran).toBe(false);
    await clock.advance(1_000);
    await attempt;
    expect(ran).toBe(true);
  });

  it('runs at once for the same owner id (a retried job)', async () => {
    held(await locks.acquire(KEY, alice, TTL));
    expect(await withLock(locks, KEY, alice, options(), async () => 'retried')).toBe('retried');
    expect(waiting).toEqual([]);
  });

  it('keeps the lock alive while a long operation runs, renewing every ttl/3', async () => {
    const op = gate();
    const running = withLock(locks, KEY, alice, options(), op.run);
    await clock.advance(5 * TTL);
    expect((await locks.acquire(KEY, bob, TTL)).held).toBe(false);
    expect(Date.parse((await locks.current(KEY))?.expiresAt ?? '') - clock.now()).toBeGreaterThan((2 * TTL) / 3 - 1);
    expect(op.scope()?.signal.aborted).toBe(false);
    op.finish();
    await running;
    await heartbeatStops();
  });

  it('keeps renewing a lock held beside another that ends, and stops its timer once none is held', async () => {
    const first = gate();
    const second = gate();
    const other = appLockKey('jane', 'dev3');
    const running = [withLock(locks, KEY, alice, options(), first.run), withLock(locks, other, bob, options(), second.run)];
    await clock.advance(TTL / 2);
    first.finish();
    await running[0];
    await clock.advance(3 * TTL);
    expect(await locks.current(KEY)).toBeUndefined();
    expect((await locks.current(other))?.id).toBe(bob.id);
    expect(second.scope()?.signal.aborted).toBe(false);
    expect(clock.sleepers).toBe(1);
    second.finish();
    await running[1];
    await heartbeatStops();
  });

  it('serves a run of locks held one after the other with one heartbeat timer, renewing none that has ended', async () => {
    const renewals: string[] = [];
    const counted: Locks = {
      current: (key) => locks.current(key),
      breakLock: (key, holder, by) => locks.breakLock(key, holder, by),
      lastBroken: (key) => locks.lastBroken(key),
      acquire: async (key, owner, ttlMs) => {
        const attempt = await locks.acquire(key, owner, ttlMs);
        return attempt.held ? { ...attempt, renew: (ms) => (renewals.push(owner.id), attempt.renew(ms)) } : attempt;
      },
    };
    for (const owner of [alice, bob, alice]) expect(await withLock(counted, KEY, owner, options(), async () => owner.id)).toBe(owner.id);
    expect(clock.sleepers).toBe(1);
    const op = gate();
    const running = withLock(counted, KEY, bob, options(), op.run);
    await settle();
    expect(clock.sleepers).toBe(1);
    await clock.advance(TTL / 3);
    expect(renewals).toEqual([bob.id]);
    op.finish();
    await running;
    await heartbeatStops();
    expect(renewals).toEqual([bob.id]);
  });

  it('tells the operation when the lock is lost', async () => {
    const op = gate();
    const running = withLock(locks, KEY, alice, options(), op.run);
    await settle();
    held(await locks.acquire(KEY, alice, TTL)); // the job retried elsewhere supersedes this attempt
    await clock.advance(TTL / 3);
    const scope = op.scope();
    expect(scope?.signal.aborted).toBe(true);
    expect(() => scope?.assertHeld()).toThrow('lost the lock on dev3.mary (it expired, was taken over, or was broken with nestor unlock); stopped');
    op.finish();
    expect(await running).toBe('done');
  });

  it('tells the operation at its next renewal when its lock was broken by hand', async () => {
    const op = gate();
    const running = withLock(locks, KEY, alice, options(), op.run);
    await settle();
    const holder = await locks.current(KEY);
    expect(await locks.breakLock(KEY, holder!, 'carol')).toMatchObject({ by: 'carol' });
    await clock.advance(TTL / 3);
    expect(op.scope()?.signal.aborted).toBe(true);
    op.finish();
    expect(await running).toBe('done');
    expect(await locks.current(KEY)).toBeUndefined();
  });

  it('stops waiting when its signal aborts', async () => {
    held(await locks.acquire(KEY, alice, 600_000));
    const controller = new AbortController();
    const attempt = withLock(locks, KEY, bob, options({ signal: controller.signal }), async () => 'never');
    await settle();
    controller.abort(new Error('shutting down'));
    await expect(attempt).rejects.toThrow('shutting down');
  });
});

function held<T extends { held: boolean }>(attempt: T): T {
  if (!attempt.held) throw new Error('expected the lock');
  return attempt;
}
