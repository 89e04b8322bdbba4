// A test's own client of the job queue that real worker processes consume: its Redis connection
// and queue closed when the test finishes.
import { Redis } from 'ioredis';
import type { TestContext } from 'vitest';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-queue.js';

export function jobQueueClient(ctx: TestContext, redisUrl: string): BullmqJobQueue {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  ctx.onTestFinished(() => void redis.disconnect());
  const queue = new BullmqJobQueue({ connection: redis });
  ctx.onTestFinished(() => queue.close());
  return queue;
}
