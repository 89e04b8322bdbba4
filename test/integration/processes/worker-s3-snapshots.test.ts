// The real `nestor worker` process keeps its datastore snapshots in an object store when the config
// says `datastore_snapshots: { url: s3://... }`: staging's orders database (a real PostgreSQL) is
// snapshotted into the S3 stand-in, with the credentials the AWS SDK finds in the worker's
// environment (the stand-in refuses what is not signed with them); dev3 is reset from it, written
// into, and reset again from the same stored snapshot; older snapshots are pruned to `keep`. No
// password nor secret key in the store's keys, its objects or the worker's logs.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { processWorld } from '../../support/nestor-processes.js';
import { startPostgres } from '../../support/postgres-server.js';
import { startS3Standin } from '../../support/s3-standin.js';

afterAll(cleanupFixtures);

const BUCKET = 'acme-snapshots';

describe('nestor worker: snapshots in an object store', () => {
  it('snapshots staging into S3, resets dev3 from it twice, and keeps the newest two', async (ctx) => {
    const world = await processWorld(ctx);
    const [pg, s3] = await Promise.all([startPostgres(), startS3Standin()]);
    ctx.onTestFinished(async () => {
      await Promise.all([pg.stop(), s3.stop()]);
    });
    s3.createBucket(BUCKET);
    pg.sql('postgres', 'CREATE DATABASE staging_orders; CREATE DATABASE dev3_orders;');
    pg.sql('staging_orders', "CREATE TABLE orders (id serial PRIMARY KEY, item text); INSERT INTO orders (item) SELECT 'staging ' || i FROM generate_series(1, 200) AS i;");
    pg.sql('dev3_orders', "CREATE TABLE orders (id serial PRIMARY KEY, item text); INSERT INTO orders (item) VALUES ('dev3 only');");
    const rows = (db: string): string => pg.sql(db, "SELECT count(*) || ':' || string_agg(item, ',' ORDER BY id) FROM orders;");

    appendFileSync(join(world.configDir, 'production/project.yaml'), `datastore_snapshots: { url: s3://${BUCKET}/nestor, endpoint: "${s3.endpoint}", force_path_style: true, keep: 2 }\n`);
    appendFileSync(join(world.configDir, 'staging/apps/mary.yaml'), '  orders-db: { kind: postgresql, connection: $ORDERS_DB_STAGING }\n');
    appendFileSync(join(world.configDir, 'dev3/apps/mary.yaml'), '  orders-db: { connection: $ORDERS_DB_DEV3 }\n');
    appendFileSync(join(world.configDir, 'dev3/project.yaml'), '  orders-db: { source: staging }\n');
    git(world.configDir, 'commit', '--quiet', '-am', 'orders-db, snapshots in S3');

    const withPassword = (db: string) => pg.url(db).replace(`${pg.user}@`, `${pg.user}:${pg.password}@`);
    const worker = world.start('worker', {
      ORDERS_DB_STAGING: withPassword('staging_orders'), ORDERS_DB_DEV3: withPassword('dev3_orders'),
      AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const run = async (id: string, env: string, action: 'snapshot' | 'reset') => {
      const job: Job = { kind: 'datastore', env, datastore: 'orders-db', action, user: 'alice', origin: { kind: 'cli' } };
      await queue.enqueue(job, { idempotencyKey: id });
      return eventually(`${id} to complete`, async () => (await queue.get(id))?.result, 90_000);
    };

    const snapshot = await run('snapshot-1', 'staging', 'snapshot');
    expect(snapshot).toMatchObject({ outcome: 'snapshotted' });
    const [manifest, dump] = s3.keys(BUCKET);
    expect(manifest).toMatch(/^nestor\/staging\/orders-db\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.meta\.json$/);
    expect(dump).toBe(manifest!.replace('.meta.json', '.pgdump'));

    expect(await run('reset-1', 'dev3', 'reset')).toMatchObject({ outcome: 'reset' });
    expect(rows('dev3_orders')).toBe(rows('staging_orders'));
    pg.sql('dev3_orders', "INSERT INTO orders (item) VALUES ('written in dev3');");
    expect(await run('reset-2', 'dev3', 'reset')).toMatchObject({ outcome: 'reset', message: expect.stringContaining(manifest!.split('/')[3]!.replace('.meta.json', '')) });
    expect(rows('dev3_orders')).toBe(rows('staging_orders'));
    const lastReset = JSON.parse(s3.buckets.get(BUCKET)!.get('nestor/dev3/.resets/orders-db.json')!.body.toString('utf8')) as { jobId: string };
    expect(lastReset.jobId).toBe('reset-2');

    await run('snapshot-2', 'staging', 'snapshot');
    await run('snapshot-3', 'staging', 'snapshot');
    const kept = s3.keys(BUCKET).filter((k) => k.startsWith('nestor/staging/orders-db/'));
    expect(kept).toHaveLength(4);
    expect(kept).not.toContain(manifest);

    const stored = [...s3.buckets.get(BUCKET)!.entries()].map(([key, o]) => (key.endsWith('.pgdump') ? key : `${key}${o.body.toString('utf8')}`)).join('\n');
    const logs = JSON.stringify(worker.logs) + worker.stderr();
    for (const secret of [pg.password, s3.secretAccessKey]) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(s3.calls.every((c) => c.status < 400 || c.operation === 'GetObject')).toBe(true);
  }, 300_000);
});
