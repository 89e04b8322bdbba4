// BullMQ sets a queue up on its connection once (waits for ready, asks Redis's version): a
// connection that drops during that set-up left the queue failing every command with that first
// error, the connection back or not. Nestor's queue is made anew at its next use. Real Redis
// behind a TCP gate that is closed during the set-up, then opened.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { deployJob } from '../../support/job-fixtures.js';
import { redisUrl } from '../../support/redis.js';
import { TcpGate } from '../../support/tcp-gate.js';

describe('a queue whose set-up failed', () => {
  it('enqueues again once Redis is back, the first enqueue after it included', async (ctx) => {
    const gate = await new TcpGate(Number(new URL(redisUrl()).port)).open();
    ctx.onTestFinished(() => gate.close());
    const redis = new Redis(gate.url.replace('http:', 'redis:'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    ctx.onTestFinished(() => void redis.disconnect());
    await once(redis, 'ready');
    const queue = new BullmqJobQueue({ connection: redis, name: `set-up-${Date.now()}` });
    ctx.onTestFinished(() => queue.close());
    await gate.close();
    await expect(queue.enqueue(deployJob(), { idempotencyKey: 'while-down' })).rejects.toThrow();
    await gate.open();
    if (redis.status !== 'ready') await once(redis, 'ready');
    expect(await queue.enqueue(deployJob(), { idempotencyKey: 'once-back' })).toMatchObject({ jobId: 'once-back', created: true });
    expect(await queue.get('while-down')).toBeUndefined();
  });
});
