// What a test needs of the shared redis-server: its URL, a unique prefix or queue name, and
// ioredis clients that are all closed after the file's tests.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, inject } from 'vitest';

const clients: Redis[] = [];

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
});

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A name no other test uses: `nestor-test-<label>-<8 hex>`. */
export function uniqueName(label = 't'): string {
  return `nestor-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** A client of the shared server (or `url`), closed after the file's tests. */
export function redisClient(options: RedisOptions = {}, url = redisUrl()): Redis {
  const client = new Redis(url, options);
  client.on('error', () => undefined); // reconnects on its own; tests that restart Redis expect errors
  clients.push(client);
  return client;
}
