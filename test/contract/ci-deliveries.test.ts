// CiDeliveries: the same answers from Redis (the workers'), a folder (the CLI's) and memory.
import { afterAll, describe, expect, it } from 'vitest';
import { FolderCiDeliveries } from '../../src/adapters/fs/folder-ci-deliveries.js';
import { RedisCiDeliveries } from '../../src/adapters/redis/redis-ci-deliveries.js';
import type { CiDeliveries, CiDelivery } from '../../src/core/ports/ci-deliveries.js';
import { MemoryCiDeliveries } from '../../src/testkit/fakes/memory/memory-ci-deliveries.js';
import { cleanupFixtures, tempDir } from '../support/git-fixtures.js';
import { redisClient, uniqueName } from '../support/redis.js';

afterAll(cleanupFixtures);

const stores: [string, () => CiDeliveries][] = [
  ['memory', () => new MemoryCiDeliveries()],
  ['folder', () => new FolderCiDeliveries(tempDir('nestor-ci-deliveries-'))],
  ['redis', () => new RedisCiDeliveries({ redis: redisClient(), prefix: `${uniqueName('ci-deliveries')}:` })],
];

const sha = 'a'.repeat(40);
const done: CiDelivery = { app: 'mary', branch: 'release/1.2', sha, jobId: 'job-1', at: '2026-12-02T07:00:00.000Z', summary: 'tagged ci-20261202-aaaaaaa, greenlight fast-forwarded' };

describe.each(stores)('CiDeliveries on %s', (_name, open) => {
  it('finds a delivery once recorded, by app, branch (slashes included) and sha alike', async () => {
    const store = open();
    expect(await store.find('mary', 'release/1.2', sha)).toBeUndefined();
    await store.record(done);
    expect(await store.find('mary', 'release/1.2', sha)).toEqual(done);
    expect(await store.find('mary', 'release', sha)).toBeUndefined();
    expect(await store.find('mary', 'release/1.2', 'b'.repeat(40))).toBeUndefined();
    expect(await store.find('pricing', 'release/1.2', sha)).toBeUndefined();
  });

  it('keeps the last record of a delivery', async () => {
    const store = open();
    await store.record(done);
    await store.record({ ...done, jobId: 'job-2' });
    expect((await store.find('mary', 'release/1.2', sha))?.jobId).toBe('job-2');
  });
});
