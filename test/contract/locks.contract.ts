// The Locks contract, run on the in-memory fake and on the file adapter alike.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import type { HeldLock, LockAttempt, LockHandle, LockOwner, LockProcess, Locks } from '../../src/core/ports/locks.js';
import { ManualClock } from '../../src/testkit/fakes/time/manual-clock.js';

export interface LocksWorld {
  /**
   * Another client of the same store (another process, for the file adapter); `as`, the process
   * it records as holder. Default: what the store records by default.
   */
  open(as?: LockProcess): Locks;
  clock: ManualClock;
  /** What a holder opened without `as` is recorded with. */
  recorded: Pick<HeldLock, 'host' | 'pid'>;
}

export const alice: LockOwner = { id: 'job-1', user: 'alice', operation: 'deploy mary@feature-x' };
export const bob: LockOwner = { id: 'job-2', user: 'bob', operation: 'scale mary' };
const TTL = 30_000;

export function held(attempt: LockAttempt): LockHandle {
  if (!attempt.held) throw new Error(`expected the lock, held by ${attempt.by.id}`);
  return attempt;
}

/** A CLI process on `host`, which finds dead the pids in `dead`. */
export function cli(host: string, pid: number, dead: readonly number[] = []): LockProcess {
  return { host, pid, isAlive: (p) => !dead.includes(p) };
}

/** A holder that records no host nor pid (a worker on Redis); a store that always records one stands in with another host. */
export const noProcess: LockProcess = { host: '', pid: 0, isAlive: () => false };

export function locksContract(name: string, makeWorld: () => Promise<LocksWorld>): void {
  describe.concurrent(`Locks contract: ${name}`, () => {
    it('is exclusive and tells who holds it, since when and until when', async () => {
      const world = await makeWorld();
      const { open, clock } = world;
      const start = new Date(clock.now()).toISOString();
      held(await open().acquire('dev3.mary', alice, TTL));
      const attempt = await open().acquire('dev3.mary', bob, TTL);
      const by = { ...alice, since: start, expiresAt: new Date(clock.now() + TTL).toISOString(), ...world.recorded };
      expect(attempt).toEqual({ held: false, key: 'dev3.mary', by });
      expect(await open().current('dev3.mary')).toEqual(by);
      held(await open().acquire('dev3.pricing', bob, TTL));
      held(await open().acquire('staging.mary', bob, TTL));
    });

    it('is free again once released, and release is idempotent', async () => {
      const { open } = await makeWorld();
      const handle = held(await open().acquire('dev3.mary', alice, TTL));
      await handle.release();
      await handle.release();
      expect(await open().current('dev3.mary')).toBeUndefined();
      held(await open().acquire('dev3.mary', bob, TTL));
    });

    it('gives the lock at once to the same owner id (a retried job), superseding the earlier handle', async () => {
      const { open, clock } = await makeWorld();
      const first = held(await open().acquire('dev3.mary', alice, TTL));
      const since = (await open().current('dev3.mary'))?.since;
      await clock.advance(5_000);
      const retry = held(await open().acquire('dev3.mary', alice, TTL));
      expect(await open().current('dev3.mary')).toMatchObject({ id: alice.id, since, expiresAt: new Date(clock.now() + TTL).toISOString() });
      expect(await first.renew(TTL)).toBe(false);
      await first.release();
      expect((await open().current('dev3.mary'))?.id).toBe(alice.id);
      expect(await retry.renew(TTL)).toBe(true);
    });

    it('expires after its ttl unless renewed, so a crashed owner never leaves it stuck', async () => {
      const { open, clock } = await makeWorld();
      const crashed = held(await open().acquire('dev3.mary', alice, TTL));
      await clock.advance(TTL - 1);
      expect((await open().acquire('dev3.mary', bob, TTL)).held).toBe(false);
      await clock.advance(1);
      expect(await open().current('dev3.mary')).toBeUndefined();
      const taker = held(await open().acquire('dev3.mary', bob, TTL));
      expect(await crashed.renew(TTL)).toBe(false);
      await crashed.release();
      expect((await open().current('dev3.mary'))?.id).toBe(bob.id);
      await taker.release();
      expect(await open().current('dev3.mary')).toBeUndefined();
    });

    it('renews: the expiry moves to now + ttl', async () => {
      const { open, clock } = await makeWorld();
      const handle = held(await open().acquire('dev3.mary', alice, TTL));
      await clock.advance(20_000);
      expect(await handle.renew(TTL)).toBe(true);
      await clock.advance(20_000);
      expect((await open().acquire('dev3.mary', bob, TTL)).held).toBe(false);
      expect((await open().current('dev3.mary'))?.expiresAt).toBe(new Date(clock.now() + 10_000).toISOString());
    });

    it('gives the lock to exactly one of 20 concurrent acquirers', async () => {
      const { open } = await makeWorld();
      const owners = Array.from({ length: 20 }, (_, i) => ({ id: `job-${i}`, user: `user-${i}`, operation: 'deploy' }));
      const attempts = await Promise.all(owners.map((o) => open().acquire('dev3.mary', o, TTL)));
      const winners = attempts.filter((a) => a.held);
      expect(winners).toHaveLength(1);
      const holder = await open().current('dev3.mary');
      expect(attempts.flatMap((a) => (a.held ? [] : [a.by.id]))).toEqual(Array(19).fill(holder?.id));
    });

    it('gives an expired lock to exactly one of 20 concurrent takers', async () => {
      const { open, clock } = await makeWorld();
      held(await open().acquire('dev3.mary', alice, TTL));
      await clock.advance(TTL);
      const owners = Array.from({ length: 20 }, (_, i) => ({ id: `job-${i + 10}`, user: `user-${i}`, operation: 'deploy' }));
      const attempts = await Promise.all(owners.map((o) => open().acquire('dev3.mary', o, TTL)));
      expect(attempts.filter((a) => a.held)).toHaveLength(1);
      expect((await open().current('dev3.mary'))?.id).not.toBe(alice.id);
    });

    it('takes over at once the lock of a holder known dead: same host, no such process', async () => {
      const { open, clock } = await makeWorld();
      const dead = cli('ci-1', 4001);
      held(await open(dead).acquire('dev3.mary', alice, TTL));
      await clock.advance(1_000);
      const me = cli('ci-1', 4002, [4001]);
      const taker = held(await open(me).acquire('dev3.mary', bob, TTL));
      const now = new Date(clock.now()).toISOString();
      expect(await open().current('dev3.mary')).toEqual({ ...bob, since: now, expiresAt: new Date(clock.now() + TTL).toISOString(), host: 'ci-1', pid: 4002 });
      expect(await taker.renew(TTL)).toBe(true);
    });

    it('respects until its expiry a holder on another host, a live one, or one that recorded no process', async () => {
      const { open, clock } = await makeWorld();
      const judge = cli('ci-1', 4002, [4001, 5001]);
      held(await open(cli('ci-2', 4001)).acquire('dev3.mary', alice, TTL));
      held(await open(cli('ci-1', 4003)).acquire('dev3.pricing', alice, TTL));
      held(await open(noProcess).acquire('staging.mary', alice, TTL));
      for (const key of ['dev3.mary', 'dev3.pricing', 'staging.mary']) {
        expect((await open(judge).acquire(key, bob, TTL)).held).toBe(false);
      }
      await clock.advance(TTL);
      for (const key of ['dev3.mary', 'dev3.pricing', 'staging.mary']) held(await open(judge).acquire(key, bob, TTL));
    });

    it('breaks by hand the lock of the holder seen, keeps a note of it, and the holder loses it', async () => {
      const { open, clock } = await makeWorld();
      expect(await open().lastBroken('dev3.mary')).toBeUndefined();
      const handle = held(await open().acquire('dev3.mary', alice, TTL));
      const holder = await open().current('dev3.mary');
      await clock.advance(1_000);
      const note = await open().breakLock('dev3.mary', holder!, 'carol');
      expect(note).toEqual({ holder, by: 'carol', at: new Date(clock.now()).toISOString() });
      expect(await open().current('dev3.mary')).toBeUndefined();
      expect(await open().lastBroken('dev3.mary')).toEqual(note);
      expect(await handle.renew(TTL)).toBe(false);
      expect(await open().breakLock('dev3.mary', holder!, 'carol')).toBeUndefined();
      held(await open().acquire('dev3.mary', bob, TTL));
      await handle.release();
      expect((await open().current('dev3.mary'))?.id).toBe(bob.id);
    });

    it('does not break a lock that changed hands since it was seen', async () => {
      const { open, clock } = await makeWorld();
      held(await open().acquire('dev3.mary', alice, TTL));
      const seen = await open().current('dev3.mary');
      await clock.advance(TTL);
      held(await open().acquire('dev3.mary', bob, TTL));
      expect(await open().breakLock('dev3.mary', seen!, 'carol')).toBeUndefined();
      expect((await open().current('dev3.mary'))?.id).toBe(bob.id);
      expect(await open().lastBroken('dev3.mary')).toBeUndefined();
      expect(await open().breakLock('dev3.pricing', seen!, 'carol')).toBeUndefined();
    });

    it('refuses invalid keys and ttls', async () => {
      const { open } = await makeWorld();
      const locks = open();
      for (const key of ['', '../x', 'a/b', '..', '.hidden', 'dev3..mary', 'a\\b', 'x'.repeat(201)]) {
        await expect(locks.acquire(key, alice, TTL)).rejects.toMatchObject({ code: ErrorCode.BadInput });
        await expect(locks.current(key)).rejects.toMatchObject({ code: ErrorCode.BadInput });
      }
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        await expect(locks.acquire('dev3.mary', alice, ttl)).rejects.toMatchObject({ code: ErrorCode.BadInput });
      }
    });
  });
}
