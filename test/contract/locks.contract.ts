// The Locks contract, run on the in-memory fake and on the file adapter alike.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import type { LockAttempt, LockHandle, LockOwner, Locks } from '../../src/core/ports/locks.js';
import { ManualClock } from '../support/manual-clock.js';

export interface LocksWorld {
  /** Another client of the same store (another process, for the file adapter). */
  open(): Locks;
  clock: ManualClock;
}

export const alice: LockOwner = { id: 'job-1', user: 'alice', operation: 'deploy mary@feature-x' };
export const bob: LockOwner = { id: 'job-2', user: 'bob', operation: 'scale mary' };
const TTL = 30_000;

export function held(attempt: LockAttempt): LockHandle {
  if (!attempt.held) throw new Error(`expected the lock, held by ${attempt.by.id}`);
  return attempt;
}

export function locksContract(name: string, makeWorld: () => Promise<LocksWorld>): void {
  describe.concurrent(`Locks contract: ${name}`, () => {
    it('is exclusive and tells who holds it, since when and until when', async () => {
      const { open, clock } = await makeWorld();
      const start = new Date(clock.now()).toISOString();
      held(await open().acquire('dev3.mary', alice, TTL));
      const attempt = await open().acquire('dev3.mary', bob, TTL);
      const by = { ...alice, since: start, expiresAt: new Date(clock.now() + TTL).toISOString() };
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
