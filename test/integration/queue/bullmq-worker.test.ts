// The BullMQ worker on real Redis: outcomes, retries, unrecoverable failures, validation on the
// worker's side, and serialisation of one app in one environment.
import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import type { JobOutcome } from '../../../src/core/ports/job-queue.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld, type QueueWorld } from '../../support/queue-world.js';

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
    expect(await world.queue.get('second')).toMatchObject({ state: 'active' });
    expect(order.filter((o) => !o.endsWith('other-app'))).toEqual(['start first']);
    release();
    expect(await finished(world, 'second')).toMatchObject({ state: 'completed', result: done('main') });
    expect(order.filter((o) => !o.endsWith('other-app'))).toEqual(['start first', 'end first', 'start second', 'end second']);
  });
});
