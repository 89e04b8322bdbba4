// One lock per job: the runner takes the app-env's lock once, and the pipeline runs within it;
// a deferrable job's turn (deferred while busy, its line kept, its own leftover lock at once).
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLocks } from '../../../src/testkit/fakes/memory/memory-locks.js';
import { isJobDeferred, JobDeferred, takeTurn, type TurnDeps } from '../../../src/core/jobs/job-turn.js';
import { runJob } from '../../../src/core/jobs/run-job.js';
import type { LinedUpJob } from '../../../src/core/ports/job-queue.js';
import { appLockKey, type Locks } from '../../../src/core/ports/locks.js';
import { whileLocked } from '../../../src/core/release/locked.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

const KEY = appLockKey('mary', 'dev3');
const LOCK = { ttlMs: 30_000, waitMs: 60_000, pollMs: 1_000 };
const carol = { id: 'cli-1', user: 'carol', operation: 'deploy mary@hotfix' };

let clock: ManualClock;
let locks: MemoryLocks;
let acquired: string[];
/** The store, counting who takes a lock. */
let counting: Locks;

beforeEach(() => {
  clock = new ManualClock();
  locks = new MemoryLocks({ clock });
  acquired = [];
  counting = {
    acquire: (key, owner, ttl) => (acquired.push(`${key} ${owner.id}`), locks.acquire(key, owner, ttl)),
    current: (key) => locks.current(key),
    breakLock: (key, holder, by) => locks.breakLock(key, holder, by),
    lastBroken: (key) => locks.lastBroken(key),
  };
});

/** Just what whileLocked reads when it takes the lock itself (a CLI release). */
function cliDeps(): ReleaseDeps {
  return { locks: counting, wallClock: clock, tuning: { lockTtlMs: LOCK.ttlMs, lockWaitMs: LOCK.waitMs, lockPollMs: LOCK.pollMs } } as unknown as ReleaseDeps;
}

/** Deploy handlers whose pipeline takes the lock as a release does; `inside`: who held it while it ran. */
function lockedDeploy(): { handlers: ReturnType<typeof handlersWith>; inside: () => string | undefined } {
  const deps = cliDeps();
  let inside: string | undefined;
  const handlers = handlersWith({
    deploy: (ctx, job) => whileLocked(deps, ctx, job.app, job.env, `deploy ${job.app}`, async () => {
      inside = (await locks.current(KEY))?.id;
      return done();
    }),
  });
  return { handlers, inside: () => inside };
}

const lined = (jobId: string, state: LinedUpJob['state'], user = 'bob'): LinedUpJob => ({ jobId, job: deployJob({ user }), state });

function turnDeps(line: LinedUpJob[]): TurnDeps {
  return { locks: counting, lock: LOCK, line: async () => line, clock };
}

describe('one lock per app and environment', () => {
  it('a queued job whose queue took its lock already takes no turn: its pipeline runs within that lock', async () => {
    const taken = await locks.acquire(KEY, { id: 'job-2', user: 'alice', operation: 'deploy mary@feature-x' }, LOCK.ttlMs);
    if (!taken.held) throw new Error('expected the lock');
    const { handlers, inside } = lockedDeploy();
    let tried = 0;
    const runner = { handlers, locks: counting, progress: () => undefined, lock: LOCK, clock, line: async () => [], tryUnlessWaiting: async () => ((tried += 1), undefined) };
    await runJob(runner, { jobId: 'job-2', data: deployJob(), attempt: 1, maxAttempts: 1, deferrable: { held: taken } });
    expect([acquired, tried, inside()]).toEqual([[], 0, 'job-2']);
    expect(await locks.current(KEY)).toBeUndefined();
  });

  it("a job's pipeline runs within the lock its runner took: one key, taken once", async () => {
    const { handlers, inside } = lockedDeploy();
    const runner = { handlers, locks: counting, progress: () => undefined, lock: LOCK, clock };
    await runJob(runner, { jobId: 'job-1', data: deployJob(), attempt: 1, maxAttempts: 1 });
    expect(acquired).toEqual([`${KEY} job-1`]);
    expect(inside()).toBe('job-1');
    expect(await locks.current(KEY)).toBeUndefined();
  });

  it('a CLI release takes the same lock itself, and a job meets it', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ctx = { user: 'carol', jobId: 'cli-1', onEvent: () => undefined };
    const running = whileLocked(cliDeps(), ctx, 'mary', 'dev3', 'deploy mary@hotfix', () => gate);
    await clock.advance(0);
    expect(acquired).toEqual([`${KEY} cli-1`]);
    const told: string[] = [];
    const turn = takeTurn(turnDeps([lined('job-2', 'active')]), { job: deployJob(), jobId: 'job-2', owner: { id: 'job-2', user: 'bob', operation: 'deploy' }, wait: undefined, tell: (m) => told.push(m) });
    await expect(turn).rejects.toBeInstanceOf(JobDeferred);
    expect(told).toEqual(['queued behind job cli-1 by carol, position 1']);
    release();
    await running;
  });
});

describe('a job waiting in place (the shell)', () => {
  it('stops waiting for its lock when its signal aborts: cancelled, nothing run, no lock left', async () => {
    await locks.acquire(KEY, carol, 600_000);
    let ran = false;
    const runner = { handlers: handlersWith({ deploy: async () => ((ran = true), done()) }), locks, progress: () => undefined, lock: LOCK, clock };
    const stop = new AbortController();
    const running = runJob(runner, { jobId: 'shell-1', data: deployJob(), attempt: 1, maxAttempts: 1, signal: stop.signal }).catch((e: unknown) => e);
    await clock.advance(5_000);
    stop.abort();
    expect(await running).toMatchObject({ code: 'cancelled' });
    expect(ran).toBe(false);
    expect((await locks.current(KEY))?.id).toBe('cli-1');
  });
});

describe('takeTurn', () => {
  const owner = { id: 'job-2', user: 'bob', operation: 'deploy mary@main' };
  const turn = (wait?: { since: number; told?: string }, tell: (m: string) => void = () => undefined) => ({ job: deployJob({ user: 'bob' }), jobId: 'job-2', owner, wait, tell });

  it('defers while busy, tells behind whom once, and carries when the wait began', async () => {
    await locks.acquire(KEY, carol, 600_000);
    const told: string[] = [];
    const first = await takeTurn(turnDeps([lined('job-2', 'active')]), turn(undefined, (m) => told.push(m))).catch((e: unknown) => e);
    expect(isJobDeferred(first) && first.wait).toEqual({ since: clock.now(), told: 'queued behind job cli-1 by carol, position 1' });
    expect(isJobDeferred(first) && first.delayMs).toBe(LOCK.pollMs);
    const wait = isJobDeferred(first) ? first.wait : undefined;
    await clock.advance(10_000);
    const second = await takeTurn(turnDeps([lined('job-2', 'active')]), turn(wait, (m) => told.push(m))).catch((e: unknown) => e);
    expect(isJobDeferred(second) && second.wait).toEqual(wait);
    expect(told).toHaveLength(1);
  });

  it('lets an older job of its line that waits go first, though the lock is free', async () => {
    const line = [lined('job-1', 'delayed', 'alice'), lined('job-2', 'active')];
    const told: string[] = [];
    await expect(takeTurn(turnDeps(line), turn(undefined, (m) => told.push(m)))).rejects.toBeInstanceOf(JobDeferred);
    expect(told).toEqual(['queued behind job job-1 by alice, position 2']);
    expect(acquired).toEqual([]);
    const handle = await takeTurn(turnDeps([lined('job-0', 'active'), lined('job-2', 'active')]), turn());
    expect(handle.held).toBe(true);
  });

  it('takes its own leftover lock at once (a rerun after a crash), even with others waiting', async () => {
    await locks.acquire(KEY, owner, 600_000);
    const line = [lined('job-1', 'delayed', 'alice'), lined('job-2', 'active')];
    expect((await takeTurn(turnDeps(line), turn())).held).toBe(true);
  });

  it('gives up after the overall wait limit with a final error', async () => {
    await locks.acquire(KEY, carol, 600_000);
    const since = clock.now();
    await clock.advance(LOCK.waitMs);
    const error = await takeTurn(turnDeps([]), turn({ since })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'locked', retryable: false,
      message: 'mary in dev3 is still busy after 1 min: deploy mary@hotfix by carol since 2024-05-01T10:00:00.000Z; gave up waiting, try again later',
    });
  });
});

describe('takeTurn with a queue that knows who waits in the line', () => {
  const owner = { id: 'job-2', user: 'bob', operation: 'deploy mary@main' };
  const turn = { job: deployJob({ user: 'bob' }), jobId: 'job-2', owner, wait: undefined, tell: () => undefined };

  function countingDeps(line: LinedUpJob[], othersWaiting: boolean): { deps: TurnDeps; reads: string[] } {
    const reads: string[] = [];
    const deps: TurnDeps = {
      locks: { ...counting, current: (key) => (reads.push('holder'), counting.current(key)) },
      lock: LOCK, clock,
      line: async () => (reads.push('line'), line),
      tryUnlessWaiting: async (_job, _jobId, owner, ttlMs) => (othersWaiting ? undefined : counting.acquire(KEY, owner, ttlMs)),
    };
    return { deps, reads };
  }

  it('with nobody of its line waiting, takes the free lock without reading the line or the holder', async () => {
    const { deps, reads } = countingDeps([lined('job-2', 'active')], false);
    expect((await takeTurn(deps, turn)).held).toBe(true);
    expect(reads).toEqual([]);
    expect(acquired).toEqual([`${KEY} job-2`]);
  });

  it('with nobody waiting but the lock busy, reads the line once, for the position', async () => {
    await locks.acquire(KEY, carol, 600_000);
    const told: string[] = [];
    const { deps, reads } = countingDeps([lined('job-1', 'active'), lined('job-2', 'active')], false);
    await expect(takeTurn(deps, { ...turn, tell: (m) => told.push(m) })).rejects.toBeInstanceOf(JobDeferred);
    expect(reads).toEqual(['line']);
    expect(told).toEqual(['queued behind job cli-1 by carol, position 2']);
  });

  it('with another job of its line waiting, lets it go first though the lock is free', async () => {
    const { deps, reads } = countingDeps([lined('job-1', 'delayed', 'alice'), lined('job-2', 'active')], true);
    await expect(takeTurn(deps, turn)).rejects.toBeInstanceOf(JobDeferred);
    expect(reads).toEqual(['holder', 'line']);
    expect(acquired).toEqual([]);
  });
});
