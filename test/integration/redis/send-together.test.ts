// Commands sent together leave in one socket write, in order, each with its own answer.
import { describe, expect, it } from 'vitest';
import { sendTogether } from '../../../src/adapters/redis/send-together.js';
import { redisClient, uniqueName } from '../../support/redis.js';

describe('sendTogether', () => {
  it('writes the commands sent at once in one socket write, in order, with their answers', async () => {
    const redis = redisClient();
    await redis.ping();
    const key = uniqueName('together');
    // What the socket hands the kernel: one _writev of the three, or a _write each.
    const socket = redis.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    const handed: number[] = [];
    const [write, writev] = [socket._write.bind(socket), socket._writev.bind(socket)];
    socket._write = (...a) => (handed.push(1), write(...a));
    socket._writev = (chunks, ...a) => (handed.push((chunks as unknown[]).length), writev(chunks, ...a));
    let corked = 0;
    const answers = sendTogether(redis, () => {
      corked = redis.stream.writableCorked;
      return Promise.all([redis.set(key, '1'), redis.incr(key), redis.get(key)]);
    });
    expect(corked).toBe(1);
    expect(redis.stream.writableCorked).toBe(0);
    expect(await answers).toEqual(['OK', 2, '2']);
    expect(handed).toEqual([3]);
  });

  it('sends at once when the connection is not up yet: ioredis queues the commands itself', async () => {
    const redis = redisClient({ lazyConnect: true });
    const key = uniqueName('together');
    expect(await sendTogether(redis, () => Promise.all([redis.set(key, 'a'), redis.get(key)]))).toEqual(['OK', 'a']);
  });
});
