// The queue gauges' source on real Redis: jobs by state and the age of the oldest waiting one,
// read from BullMQ's keys (whatever process queued them).
import { describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { readQueueDepth } from '../../../src/adapters/queue/queue-depth.js';
import { deployJob } from '../../support/job-fixtures.js';
import { redisClient, uniqueName } from '../../support/redis.js';

describe('queue depth', () => {
  it('counts waiting and delayed jobs and ages the oldest waiting one', async (ctx) => {
    const queue = new BullmqJobQueue({ connection: redisClient({ maxRetriesPerRequest: null }), name: uniqueName('depth') });
    ctx.onTestFinished(() => queue.close());
    expect(await readQueueDepth(queue.queue)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, oldestWaitingAgeSeconds: 0 });

    const first = await queue.enqueue(deployJob({ app: 'mary' }), { idempotencyKey: 'depth-1' });
    const oldest = (await queue.queue.getJob(first.jobId))!.timestamp;
    // Queued 30 s after the first, by its timestamp: the age must be the first's.
    await queue.queue.add('deploy', { v: 1, request: 'depth-2', job: deployJob({ app: 'john' }) }, { jobId: 'depth-2', timestamp: oldest + 30_000 });
    // A retry waiting out its backoff, as BullMQ keeps it.
    await queue.queue.add('deploy', { v: 1, request: 'depth-3', job: deployJob({ app: 'paul' }) }, { jobId: 'depth-3', delay: 60_000 });

    const depth = await readQueueDepth(queue.queue, () => oldest + 90_000);
    expect(depth).toEqual({ waiting: 2, active: 0, delayed: 1, failed: 0, oldestWaitingAgeSeconds: 90 });
  });
});
