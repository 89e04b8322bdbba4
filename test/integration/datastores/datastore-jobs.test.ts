// Datastore snapshot and reset as jobs run them, on the example config with datastores added,
// a real PostgreSQL, a real redis-server (both with passwords), the kube simulator and the real
// git history: staging snapshotted, dev3 written into then reset holds exactly staging's data;
// production is refused; the app's pods are scaled to 0 around a reset and back; a reset waits
// for the app's lock; the nightly schedule resets only the environments that opt in; no password
// in events, outcomes, snapshot names or files.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import type { DatastoreDeps } from '../../../src/core/datastores/datastore-deps.js';
import { runDatastoreJob } from '../../../src/core/datastores/datastore-job.js';
import { datastoreNightly } from '../../../src/core/datastores/datastore-nightly.js';
import { nightlyMessages } from '../../../src/core/datastores/nightly-messages.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { Stage } from '../../../src/core/release/events.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { datastorePorts } from '../../../src/adapters/datastores/datastore-ports.js';
import { startPostgres, type PostgresServer } from '../../support/postgres-server.js';
import { redisClient } from '../../support/redis.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const REDIS_PASSWORD = 'redis-pass-0b1c2d';
const ENVS = ['production', 'staging', 'dev2', 'dev3'] as const;
const CACHE_DB: Record<(typeof ENVS)[number], number> = { production: 1, staging: 2, dev2: 3, dev3: 4 };
const SCRATCH = 9;

let pg: PostgresServer;
let redis: RedisServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  await redisClient({}, redis.url).config('SET', 'requirepass', REDIS_PASSWORD);
  pg.sql('postgres', ENVS.map((env) => `CREATE DATABASE ${env};`).join('\n'));
  for (const env of ENVS) pg.sql(env, `CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL); INSERT INTO orders (item) VALUES ('${env} order');`);
  pg.sql('staging', `INSERT INTO orders (item) SELECT 'staging ' || i FROM generate_series(1, 500) AS i;`);
  for (const env of ENVS) await cache(env).set('greeting', `hello from ${env}`);
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

const cache = (env: (typeof ENVS)[number]) => redisClient({ db: CACHE_DB[env], password: REDIS_PASSWORD }, redis.url);
const rows = (env: string): string => pg.sql(env, 'SELECT string_agg(item, \',\' ORDER BY id) FROM orders;');
const pgUrl = (env: string): string => pg.url(env).replace('postgresql://nestor@', `postgresql://nestor:${pg.password}@`);
const redisUrl = (env: (typeof ENVS)[number]): string => `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/${CACHE_DB[env]}?scratch_db=${SCRATCH}`;

const f = useReleaseFixture();

/** Datastores in the fixture's copy of the example config: mary's database (scaled down around a reset) and a cache; dev3 resets nightly. */
function declareDatastores(configDir: string): void {
  appendFileSync(join(configDir, 'production/apps/mary.yaml'), [
    'datastores:',
    '  mary-db: { kind: postgresql, connection: $PRODUCTION_DB, source: staging, scale_down: true }',
    '  cache: { kind: redis, connection: { secret: mary-cache, key: url }, source: staging }',
    '',
  ].join('\n'));
  for (const env of ['staging', 'dev2', 'dev3']) {
    appendFileSync(join(configDir, `${env}/project.yaml`), [
      // dev3/project.yaml ends with its datastores: these go on there.
      ...(env === 'dev3' ? [] : ['datastores:']),
      `  mary-db: { connection: $${env.toUpperCase()}_DB${env === 'dev3' ? ', reset_nightly: true' : ''} }`,
      ...(env === 'dev3' ? ['  cache: { reset_nightly: true }'] : []),
      '',
    ].join('\n'));
  }
}

async function putCacheSecrets(): Promise<void> {
  const contexts: Record<(typeof ENVS)[number], string> = { production: 'kapten_production_eu-w1', staging: 'kapten_staging_eu-w1', dev2: 'kapten_dev_eu-w1', dev3: 'kapten_dev_eu-w1' };
  for (const env of ENVS) {
    const cluster = f.deps.clusters.cluster(contexts[env]);
    await cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: env } }], { fieldManager: 'test' });
    await cluster.apply([{
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-cache', namespace: env },
      data: { url: Buffer.from(redisUrl(env)).toString('base64') },
    }], { fieldManager: 'test' });
  }
}

/** The worker's datastore ports, snapshots in `<root>/snapshots` (the config names no folder). */
function datastoreDeps(root: string): DatastoreDeps {
  return {
    ...f.deps,
    environment: {
      ...Object.fromEntries(ENVS.map((env) => [`${env.toUpperCase()}_DB`, pgUrl(env)])),
      // The example config's own datastore, mary's cache in staging and dev3.
      MARY_CACHE_STAGING: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/5?scratch_db=${SCRATCH}`,
      MARY_CACHE_DEV3: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/6?scratch_db=${SCRATCH}`,
    },
    datastores: datastorePorts({ root, clock: systemClock, clusters: f.deps.clusters }),
  };
}

const job = (action: 'snapshot' | 'reset', env: string, more: { datastore?: string; from?: string; approvedBy?: string } = {}) => ({ action, env, ...more });

function everything(outcomes: unknown[], snapshotDir: string): string {
  const files = readdirSync(snapshotDir, { recursive: true }).map(String);
  return JSON.stringify([f.events, outcomes, files]) + files.filter((name) => name.endsWith('.json')).map((name) => readFileSync(join(snapshotDir, name), 'utf8')).join('');
}

describe('datastore jobs', () => {
  it('snapshot staging, write into dev3, reset dev3: dev3 holds exactly staging\'s data; the pods are scaled down and back; no password anywhere', async () => {
    declareDatastores(f.configDir);
    await putCacheSecrets();
    const deps = datastoreDeps(join(f.configDir, '..'));
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    pg.sql('dev3', `INSERT INTO orders (item) VALUES ('written in dev3');`);
    await cache('dev3').set('only-in-dev3', 'x');

    const snapshot = await runDatastoreJob(deps, f.ctx(), job('snapshot', 'staging'));
    expect(snapshot.outcome).toBe('snapshotted');
    f.events.length = 0;
    const reset = await runDatastoreJob(deps, f.ctx(), job('reset', 'dev3'));
    expect(reset).toMatchObject({ outcome: 'reset' });
    expect(reset.message).toMatch(/^reset cache of dev3 from staging\/cache\/\S+ \(.+\); mary-cache of dev3 from staging\/mary-cache\/\S+ \(.+\); mary-db of dev3 from staging\/mary-db\/\S+ \(.+\)$/);
    expect(rows('dev3')).toBe(rows('staging'));
    expect(await cache('dev3').get('greeting')).toBe('hello from staging');
    expect(await cache('dev3').exists('only-in-dev3')).toBe(0);

    const scaling = f.events.filter((e) => e.type === 'stage' && (e.stage === Stage.ScaleDown || e.stage === Stage.ScaleUp) && e.status === 'finished');
    expect(scaling.map((e) => (e.type === 'stage' ? e.message : ''))).toEqual(['mary at 0 replicas', 'mary-web=1', 'mary at 0 replicas', 'mary-web=1']);
    const stages = f.events.flatMap((e) => (e.type === 'stage' && e.status === 'finished' ? [e.stage] : []));
    expect(stages).toEqual(['snapshot', 'restore', ...['snapshot', 'scale-down', 'restore', 'scale-up'], ...['snapshot', 'scale-down', 'restore', 'scale-up']]);
    const web = await f.deps.clusters.cluster('kapten_dev_eu-w1').get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dev3', name: 'mary-web' });
    expect((web?.spec as { replicas: number }).replicas).toBe(1);
    const seen = everything([snapshot, reset], join(f.configDir, '..', 'snapshots'));
    for (const secret of [pg.password, REDIS_PASSWORD]) expect(seen).not.toContain(secret);
  });

  it('refuses a reset of production (approval needed, not allowed there), and of a store another environment\'s setting names, before anything runs; a reset waits for the app\'s lock and, timed out, leaves dev3 as it was', async () => {
    declareDatastores(f.configDir);
    await putCacheSecrets();
    const deps = datastoreDeps(join(f.configDir, '..'));
    await runDatastoreJob(deps, f.ctx(), job('snapshot', 'staging', { datastore: 'mary-db' }));
    const before = rows('production');
    await expect(runDatastoreJob(deps, f.ctx(), job('reset', 'production', { approvedBy: 'carol' })))
      .rejects.toThrow('datastore cache of production may not be reset: production needs approval, and its config does not say allow_in_production: true; datastore mary-db of production may not be reset: production needs approval, and its config does not say allow_in_production: true: nothing was reset');
    expect(rows('production')).toBe(before);
    await expect(runDatastoreJob(deps, f.ctx(), job('reset', 'dev1', { datastore: 'mary-db' })))
      .rejects.toThrow('datastore mary-db of dev1 may not be reset: its connection $STAGING_DB is set for staging and inherited, so the store is staging\'s; give dev1 its own connection in its files: nothing was reset');
    expect(rows('production')).toBe(before);

    pg.sql('dev2', `INSERT INTO orders (item) VALUES ('written in dev2');`);
    const dev2 = rows('dev2');
    const held = await f.deps.locks.acquire(appLockKey('mary', 'dev2'), { id: 'job-deploy', user: 'bob', operation: 'deploy mary@main' }, 60_000);
    expect(held.held).toBe(true);
    const waiting = { ...deps, tuning: { ...deps.tuning, lockWaitMs: 200 } };
    await expect(runDatastoreJob(waiting, f.ctx(), job('reset', 'dev2', { datastore: 'mary-db' })))
      .rejects.toThrow(/^dev2: reset of datastore mary-db of dev2 failed: dev2\.mary is busy: deploy mary@main by bob .*; mary-db of dev2 was left as it was$/);
    expect(rows('dev2')).toBe(dev2);
    expect(f.events.some((e) => e.type === 'waiting' && e.message.startsWith('mary in dev2 is busy: waiting behind deploy mary@main by bob'))).toBe(true);
  });

  it('the nightly schedule of staging snapshots it and resets only the environments that opt in, with a summary of sizes and durations', async () => {
    declareDatastores(f.configDir);
    await putCacheSecrets();
    const deps = datastoreDeps(join(f.configDir, '..'));
    pg.sql('dev2', `INSERT INTO orders (item) VALUES ('dev2 keeps this');`);
    pg.sql('dev3', `INSERT INTO orders (item) VALUES ('dev3 loses this');`);
    const dev2 = rows('dev2');
    const run = await datastoreNightly(deps, { user: 'schedule:datastore-nightly', jobId: 'firing-1', onEvent: () => undefined }, 'staging');
    expect(run.snapshots.map((s) => [s.name, s.ok])).toEqual([['cache', true], ['mary-cache', true], ['mary-db', true]]);
    expect(run.resets.map((r) => [r.env, r.name, r.ok])).toEqual([['dev3', 'cache', true], ['dev3', 'mary-cache', true], ['dev3', 'mary-db', true]]);
    expect(rows('dev3')).toBe(rows('staging'));
    expect(rows('dev2')).toBe(dev2);
    const { summary, thread } = nightlyMessages(run, { runId: 'firing-1', by: 'schedule:datastore-nightly' });
    expect(summary.summary).toBe('datastores from staging: 3 reset, 0 failed, 3 snapshots of staging');
    expect(summary.sections.map((s) => s.title)).toEqual(['Reset (3)', 'Snapshots (3)']);
    expect(summary.sections[0]!.lines[2]).toMatch(/^mary-db of dev3 from staging\/mary-db\/\S+ \(\d+(\.\d)? [kM]?B in \d+s\)$/);
    expect(thread.flatMap((m) => m.sections.flatMap((s) => s.lines))).toContain('Reset of mary-db in dev3: done in ' + `${Math.round(run.resets[2]!.durationMs / 1000)}s`);
  });
});
