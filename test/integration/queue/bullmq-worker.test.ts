// The BullMQ worker on real Redis: outcomes, retries, unrecoverable failures, validation on the
// worker's side, and serialisation of one app in one environment (one lock, shared with the CLI;
// a job waiting for it is deferred and holds no worker slot).
import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import type { JobOutcome } from '../../../src/core/ports/job-queue.js';
import { appLockKey, type LockAttempt, type LockHandle } from '../../../src/core/ports/locks.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld, type QueueWorld } from '../../support/queue-world.js';
import { redisClient } from '../../support/redis.js';

const finished = (world: QueueWorld, jobId: string) =>
  eventually(`job ${jobId} to finish`, async () => {
    const status = await world.queue.get(jobId);
    return status && (status.state === 'completed' || status.state === 'failed') ? status : undefined;
  });

describe.concurrent('BullMQ job worker', () => {
  it('runs a job, keeps its outcome, and still refuses its key afterwards', async (ctx) => {
    const world = queueWorld(ctx);
    world.startWorker(handlersWith({ deploy: async (ctx, job) => done(`deployed ${job.app}@${job.ref} as ${ctx.jobId} for ${ctx.user}`) }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'run-1' });
    expect(await finished(world, 'run-1')).toMatchObject({ state: 'completed', attempts: 1, result: done('deployed mary@feature-x as run-1 for alice') });
    expect(world.sink.of('run-1').map((u) => u.type)).toEqual(['started', 'completed']);
    expect((await world.queue.enqueue(deployJob(), { idempotencyKey: 'run-1' })).message).toBe('already queued as job run-1 (completed)');
  });

  it('runs a replayed request once: before, while and after its job runs', async (ctx) => {
    const world = queueWorld(ctx);
    let runs = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    ctx.onTestFinished(() => release());
    world.startWorker(handlersWith({ deploy: async () => ((runs += 1), await gate, done()) }));
    const replays = await Promise.all([1, 2, 3].map(() => world.queue.enqueue(deployJob(), { idempotencyKey: 'replayed-1' })));
    expect(replays.filter((r) => r.created)).toHaveLength(1);
    await eventually('the job to start', () => runs === 1);
    expect((await world.queue.enqueue(deployJob(), { idempotencyKey: 'replayed-1' })).created).toBe(false);
    release();
    expect(await finished(world, 'replayed-1')).toMatchObject({ state: 'completed', attempts: 1 });
    expect((await world.queue.enqueue(deployJob(), { idempotencyKey: 'replayed-1' })).created).toBe(false);
    expect(runs).toBe(1);
  });

  it('shows a job completed with its lock free (the lock is bound to the job\'s own and ends with it)', async (ctx) => {
    const world = queueWorld(ctx);
    world.startWorker(handlersWith({ deploy: async () => done() }));
    for (const id of ['freed-1', 'freed-2', 'freed-3']) {
      await world.queue.enqueue(deployJob(), { idempotencyKey: id });
      expect(await finished(world, id)).toMatchObject({ state: 'completed' });
      expect(await world.locks.current(appLockKey('mary', 'dev3'))).toBeUndefined();
    }
  });

  it('runs one job at a time per app and environment across two workers', async (ctx) => {
    const world = queueWorld(ctx);
    const running = new Map<string, number>();
    let most = 0;
    const ran: string[] = [];
    const deploy = async (c: { jobId: string }, job: { app: string; env: string }): Promise<JobOutcome> => {
      const line = `${job.env}.${job.app}`;
      running.set(line, (running.get(line) ?? 0) + 1);
      most = Math.max(most, running.get(line) ?? 0);
      // Long enough that the other worker's jobs of the line come while it runs.
      await new Promise((resolve) => setImmediate(resolve));
      running.set(line, (running.get(line) ?? 0) - 1);
      ran.push(c.jobId);
      return done();
    };
    world.startWorker(handlersWith({ deploy }), 4, { ttlMs: 10_000, waitMs: 60_000, pollMs: 5 });
    world.startWorker(handlersWith({ deploy }), 4, { ttlMs: 10_000, waitMs: 60_000, pollMs: 5 });
    const ids = Array.from({ length: 16 }, (_, i) => `pair-${i}`);
    await Promise.all(ids.map((id, i) => world.queue.enqueue(deployJob({ app: i % 2 === 0 ? 'mary' : 'pricing' }), { idempotencyKey: id })));
    for (const id of ids) expect(await finished(world, id)).toMatchObject({ state: 'completed' });
    expect(most).toBe(1);
    expect([...ran].sort()).toEqual([...ids].sort());
  });

  it('retries a retryable failure with backoff, then succeeds', async (ctx) => {
    const world = queueWorld(ctx);
    let calls = 0;
    world.startWorker(handlersWith({
      deploy: async () => {
        calls += 1;
        if (calls < 3) throw new NestorError(ErrorCode.ClusterUnavailable, 'cluster dev3 unavailable (503)', { retryable: true });
        return done();
      },
    }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'retry-1' });
    expect(await finished(world, 'retry-1')).toMatchObject({ state: 'completed', attempts: 3 });
    expect(world.sink.of('retry-1', 'failed').map((u) => u.type === 'failed' && [u.message, u.final])).toEqual([
      ['cluster dev3 unavailable (503)', false], ['cluster dev3 unavailable (503)', false],
    ]);
  });

  it('fails a non-retryable error at once, with its one line', async (ctx) => {
    const world = queueWorld(ctx);
    let calls = 0;
    world.startWorker(handlersWith({
      deploy: async () => {
        calls += 1;
        throw new NestorError(ErrorCode.NotAuthorized, 'alice may not deploy to production');
      },
    }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'denied-1' });
    expect(await finished(world, 'denied-1')).toMatchObject({ state: 'failed', attempts: 1, error: 'alice may not deploy to production' });
    expect(calls).toBe(1);
    expect(world.sink.of('denied-1', 'failed')).toMatchObject([{ code: 'not_authorized', final: true }]);
    expect(await world.locks.current(appLockKey('mary', 'dev3'))).toBeUndefined();
  });

  it('validates the payload again on the worker side: a bad job fails at once, unrun', async (ctx) => {
    const world = queueWorld(ctx);
    let calls = 0;
    world.startWorker(handlersWith({ deploy: async () => done(String((calls += 1))) }));
    const bad = { ...deployJob(), ref: '$(id)' };
    await world.queue.queue.add('deploy', { v: 1, request: 'r', job: bad }, { jobId: 'forged-1' });
    await world.queue.queue.add('deploy', { v: 2 } as never, { jobId: 'forged-2' });
    expect(await finished(world, 'forged-1')).toMatchObject({ state: 'failed', attempts: 1, error: 'invalid deploy job: ref: expected a branch, tag or commit sha' });
    await eventually('forged-2 to fail', async () => (await world.queue.queue.getJob('forged-2'))?.failedReason);
    expect((await world.queue.queue.getJob('forged-2'))?.failedReason).toMatch(/^invalid queued job: not a Nestor job/);
    expect(calls).toBe(0);
  });

  it('runs two jobs on one app and environment one after the other, telling the second why it waits', async (ctx) => {
    const world = queueWorld(ctx);
    const order: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    ctx.onTestFinished(() => release());
    world.startWorker(handlersWith({
      deploy: async (ctx, job): Promise<JobOutcome> => {
        order.push(`start ${ctx.jobId}`);
        if (ctx.jobId === 'first') await gate;
        order.push(`end ${ctx.jobId}`);
        return done(job.ref);
      },
    }), 3);
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'first' });
    await eventually('first to start', () => order.includes('start first'));
    await world.queue.enqueue(deployJob({ user: 'bob', ref: 'main' }), { idempotencyKey: 'second' });
    await world.queue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'other-app' });
    expect(await finished(world, 'other-app')).toMatchObject({ state: 'completed' });
    await eventually('second to be told why it waits', () => world.sink.waiting('second').length > 0);
    expect(world.sink.waiting('second')).toEqual(['queued behind job first by alice, position 2']);
    expect(order.filter((o) => !o.endsWith('other-app'))).toEqual(['start first']);
    expect((await world.locks.current(appLockKey('mary', 'dev3')))?.id).toBe('first');
    release();
    expect(await finished(world, 'second')).toMatchObject({ state: 'completed', result: done('main') });
    expect(order.filter((o) => !o.endsWith('other-app'))).toEqual(['start first', 'end first', 'start second', 'end second']);
    // Read as `first` ends, its place may be gone from the line: "position 1" then.
    for (const told of world.sink.waiting('second')) expect(told).toMatch(/^queued behind job first by alice, position [12]$/);
  });

  it('with one slot, runs a job of another app while an app-env is busy; the waiting job counts no attempt', async (ctx) => {
    const world = queueWorld(ctx);
    const cli = held(await world.locks.acquire(appLockKey('mary', 'dev3'), { id: 'cli-1', user: 'carol', operation: 'deploy mary@hotfix' }, 60_000));
    const ran: string[] = [];
    world.startWorker(handlersWith({ deploy: async (ctx, job) => (ran.push(ctx.jobId), done(job.app)) }), 1);
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'waits' });
    await eventually('waits to be told why it waits', () => world.sink.waiting('waits').length > 0);
    await world.queue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'other-app' });
    expect(await finished(world, 'other-app')).toMatchObject({ state: 'completed' });
    expect(ran).toEqual(['other-app']);
    expect(world.sink.waiting('waits')).toEqual(['queued behind job cli-1 by carol, position 1']);
    await cli.release();
    expect(await finished(world, 'waits')).toMatchObject({ state: 'completed', result: done('mary') });
    expect(ran).toEqual(['other-app', 'waits']);
    // BullMQ counts the run that completed; the deferrals before it count nothing.
    expect((await world.queue.queue.getJob('waits'))?.attemptsMade).toBe(1);
    expect(world.sink.of('waits').map((u) => [u.type === 'event' ? u.event.type : u.type, u.attempt])).toEqual([['started', 1], ['waiting', 1], ['completed', 1]]);
  });

  it('keeps the line of an app-env: jobs waiting for it run in the order they came', async (ctx) => {
    const world = queueWorld(ctx);
    const cli = held(await world.locks.acquire(appLockKey('mary', 'dev3'), { id: 'cli-1', user: 'carol', operation: 'deploy mary@hotfix' }, 60_000));
    const ran: string[] = [];
    world.startWorker(handlersWith({ deploy: async (ctx) => (ran.push(ctx.jobId), done()) }), 1);
    const ids = ['line-1', 'line-2', 'line-3', 'line-4'];
    for (const [i, id] of ids.entries()) {
      await world.queue.enqueue(deployJob({ user: `user-${i}` }), { idempotencyKey: id });
      await eventually(`${id} to wait`, () => world.sink.waiting(id).length > 0);
    }
    expect(ids.map((id) => world.sink.waiting(id)[0])).toEqual(ids.map((_, i) => `queued behind job cli-1 by carol, position ${i + 1}`));
    const redis = redisClient();
    const waitingSet = `bull:${world.name}:nestor-waiting:dev3.mary`;
    await eventually('the four to be marked waiting', async () => (await redis.scard(waitingSet)) === 4);
    await cli.release();
    for (const id of ids) expect(await finished(world, id)).toMatchObject({ state: 'completed' });
    expect(ran).toEqual(ids);
    // The line's set of waiting jobs (which spares an uncontended job reading its line) is left empty.
    await eventually('the waiting set to empty', async () => (await redis.scard(waitingSet)) === 0);
  });

  it('gives up after the overall wait limit with a final error naming the holder, not retried', async (ctx) => {
    const world = queueWorld(ctx);
    held(await world.locks.acquire(appLockKey('mary', 'dev3'), { id: 'cli-1', user: 'carol', operation: 'deploy mary@hotfix' }, 60_000));
    const since = (await world.locks.current(appLockKey('mary', 'dev3')))?.since;
    let calls = 0;
    world.startWorker(handlersWith({ deploy: async () => done(String((calls += 1))) }), 1, { ttlMs: 2_000, waitMs: 1_000, pollMs: 20 });
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'too-long' });
    expect(await finished(world, 'too-long')).toMatchObject({
      state: 'failed',
      error: `mary in dev3 is still busy after 1 s: deploy mary@hotfix by carol since ${since}; gave up waiting, try again later`,
    });
    expect(calls).toBe(0);
    expect((await world.queue.queue.getJob('too-long'))?.attemptsMade).toBe(1);
    expect(world.sink.of('too-long', 'failed')).toMatchObject([{ code: 'locked', final: true }]);
  });
});

function held(attempt: LockAttempt): LockHandle {
  if (!attempt.held) throw new Error(`expected the lock, held by ${attempt.by.id}`);
  return attempt;
}
