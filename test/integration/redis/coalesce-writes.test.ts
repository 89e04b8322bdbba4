// A connection whose writes are coalesced (the queue's and the worker's): commands sent while its
// replies are handled wait in the corked socket and leave together at the end of the turn, in
// order, with the right answers; commands sent otherwise go at once; a new socket after a
// reconnect is coalesced too.
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../../src/adapters/redis/coalesce-writes.js';
import { redisClient, uniqueName } from '../../support/redis.js';

/** Sends three commands in answer to a reply; how the socket stood right after, and their answers. */
async function sendOnReply(redis: Redis, key: string): Promise<{ corked: number; buffered: number; answers: unknown[] }> {
  const sent = await redis.del(key).then(() => {
    const answers = Promise.all([redis.set(key, '1'), redis.incr(key), redis.get(key)]);
    return { corked: redis.stream.writableCorked, buffered: redis.stream.writableLength, answers };
  });
  return { ...sent, answers: await sent.answers };
}

describe('coalesced Redis writes', () => {
  it('holds the commands sent in answer to a reply until the end of the turn, then sends them in order', async () => {
    const redis = redisClient();
    coalesceWrites(redis);
    coalesceWrites(redis); // once per connection, however often asked
    const key = uniqueName('coalesce');
    await redis.ping();

    const sent = await sendOnReply(redis, key);
    expect(sent.corked).toBe(1);
    expect(sent.buffered).toBeGreaterThan(0);
    expect(sent.answers).toEqual(['OK', 2, '2']);

    // Not in answer to a reply (from the next turn): written at once.
    await new Promise((resolve) => setImmediate(resolve));
    const direct = redis.get(key);
    expect(redis.stream.writableCorked).toBe(0);
    expect(await direct).toBe('2');
  });

  it('coalesces the socket of a connection already up, and the new one after a reconnect', async () => {
    const redis = redisClient();
    await redis.ping();
    coalesceWrites(redis);
    const key = uniqueName('coalesce');
    expect(await sendOnReply(redis, key)).toMatchObject({ corked: 1, answers: ['OK', 2, '2'] });

    const first = redis.stream;
    redis.disconnect(true);
    await once(redis, 'ready');
    expect(redis.stream).not.toBe(first);
    expect(await sendOnReply(redis, key)).toMatchObject({ corked: 1, answers: ['OK', 2, '2'] });
  });
});
