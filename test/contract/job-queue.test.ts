import { afterAll } from 'vitest';
import { MemoryJobQueue } from '../../src/testkit/fakes/memory/memory-job-queue.js';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-queue.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { jobQueueContract } from './job-queue.contract.js';

const queues: BullmqJobQueue[] = [];
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
});

jobQueueContract('memory', async () => new MemoryJobQueue());

const connection = redisClient();
jobQueueContract('bullmq', async () => {
  const queue = new BullmqJobQueue({ connection, name: uniqueName('queue') });
  queues.push(queue);
  return queue;
});
