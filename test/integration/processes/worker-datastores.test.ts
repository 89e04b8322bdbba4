// The real `nestor worker` process runs datastore jobs with the drivers production wires: a
// snapshot of staging's mary-cache (a Redis database), then a reset of dev3's from it, after which
// dev3 holds exactly staging's keys and TTLs, and the scratch database is left empty; the
// connections come from the worker's settings, as in production, and the snapshots are kept in
// the folder NESTOR_SNAPSHOTS names (the volume workers share), not in the worker's state folder.
// A `datastore-list` job asked from Slack then posts dev3's listing there, with that reset.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { redisClient } from '../../support/redis.js';

afterAll(cleanupFixtures);

const [STAGING_DB, DEV3_DB, SCRATCH_DB] = [5, 6, 7];

describe('nestor worker: datastore jobs', () => {
  it('snapshots staging, resets dev3 from it, and posts dev3\'s listing in Slack', async (ctx) => {
    const world = await processWorld(ctx);
    const staging = redisClient({ db: STAGING_DB }, world.redis.url);
    const dev3 = redisClient({ db: DEV3_DB }, world.redis.url);
    await staging.set('greeting', 'hello from staging');
    await staging.set('session', 'kept a while', 'EX', 3600);
    await dev3.set('greeting', 'dev3 broke this');
    await dev3.set('junk', 'written in dev3');
    const shared = tempDir('nestor-shared-snapshots-');
    const worker = world.start('worker', {
      NESTOR_IMAGES: 'off',
      NESTOR_SNAPSHOTS: shared,
      MARY_CACHE_STAGING: `${world.redis.url}/${STAGING_DB}`,
      MARY_CACHE_DEV3: `${world.redis.url}/${DEV3_DB}?scratch_db=${SCRATCH_DB}`,
    });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const job = (env: string, action: 'snapshot' | 'reset'): Job => ({ kind: 'datastore', env, datastore: 'mary-cache', action, user: 'alice', origin: { kind: 'cli' } });

    await queue.enqueue(job('staging', 'snapshot'), { idempotencyKey: 'snapshot-1' });
    const snapshot = await eventually('the snapshot to complete', async () => (await queue.get('snapshot-1'))?.result, 60_000);
    expect(snapshot).toMatchObject({ outcome: 'snapshotted' });
    expect(snapshot.message).toMatch(/mary-cache of staging .*staging\/mary-cache\//);
    expect(readdirSync(join(shared, 'snapshots', 'staging', 'mary-cache')).filter((f) => f.endsWith('.redisdump'))).toHaveLength(1);

    await queue.enqueue(job('dev3', 'reset'), { idempotencyKey: 'reset-1' });
    const reset = await eventually('the reset to complete', async () => (await queue.get('reset-1'))?.result, 60_000);
    expect(reset).toMatchObject({ outcome: 'reset' });
    expect((await dev3.keys('*')).sort()).toEqual(['greeting', 'session']);
    expect(await dev3.get('greeting')).toBe('hello from staging');
    expect(await dev3.ttl('session')).toBeGreaterThan(3000);
    expect(await redisClient({ db: SCRATCH_DB }, world.redis.url).dbsize()).toBe(0);

    const list: Job = { kind: 'datastore-list', env: 'dev3', user: 'dave', origin: { kind: 'slack', channel: 'C0DEPLOYS' } };
    await queue.enqueue(list, { idempotencyKey: 'list-1' });
    expect(await eventually('the listing to complete', async () => (await queue.get('list-1'))?.result, 60_000)).toMatchObject({ outcome: 'listed', message: 'listed 1 datastore in dev3' });
    const posted = await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'C0DEPLOYS' && c.args['text'] === '1 datastore in dev3');
    const blocks = JSON.stringify(posted.args['blocks']);
    expect(blocks).toMatch(/mary-cache \(redis, app mary\) in dev3: \d+ B; resets from staging nightly/);
    expect(blocks).toMatch(/last reset: \d{4}-\d\d-\d\d \d\d:\d\d from staging\/mary-cache\/\S+, job reset-1/);
  }, 240_000);
});
