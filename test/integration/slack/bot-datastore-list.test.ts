// `/nestor datastore list <env>` from Slack: signed into the real bot, acknowledged at once and
// queued as a datastore-list job (anyone may: it only reads; an unknown environment is refused with
// nothing queued); a worker with the real pipeline reads the sizes from a real PostgreSQL and the
// snapshots from the folder, and posts the lines `nestor datastore list` prints, as Block Kit, in
// the requester's channel; a store it cannot reach says why. No password in anything sent to Slack.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datastorePorts } from '../../../src/adapters/datastores/datastore-ports.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import type { DatastoreDeps } from '../../../src/core/datastores/datastore-deps.js';
import { runDatastoreJob } from '../../../src/core/datastores/datastore-job.js';
import { listDatastores, listingLines } from '../../../src/core/datastores/list-datastores.js';
import { datastoreListJobPipeline } from '../../../src/main/datastore-list-job.js';
import { botWorld, SECRET } from '../../support/bot-world.js';
import { startBotWorker } from '../../support/bot-worker.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { startPostgres, type PostgresServer } from '../../support/postgres-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { signedSlashCommand } from '../../support/slack-signing.js';

const f = useReleaseFixture();
let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgres();
  pg.sql('postgres', 'CREATE DATABASE staging; CREATE DATABASE dev3;');
  for (const env of ['staging', 'dev3']) pg.sql(env, `CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL); INSERT INTO orders (item) SELECT '${env} ' || i FROM generate_series(1, 200) AS i;`);
}, 60_000);

afterAll(async () => {
  await pg?.stop();
  cleanupFixtures();
});

const pgUrl = (env: string): string => pg.url(env).replace('postgresql://nestor@', `postgresql://nestor:${pg.password}@`);

/** mary's database in staging and dev3 (reset from staging), beside the example's cache, whose setting is left unset. */
function declareDatabases(): void {
  appendFileSync(join(f.configDir, 'staging/project.yaml'), 'datastores:\n  mary-db: { kind: postgresql, connection: $STAGING_DB }\n');
  // dev3/project.yaml ends with its datastores: this one goes on there.
  appendFileSync(join(f.configDir, 'dev3/project.yaml'), '  mary-db: { kind: postgresql, connection: $DEV3_DB, source: staging }\n');
}

describe('/nestor datastore list', { timeout: 120_000 }, () => {
  it('is queued at once and posted by a worker in the channel it was asked from: the CLI listing, sizes and snapshots, no password', async (ctx) => {
    declareDatabases();
    const deps: DatastoreDeps = {
      ...f.deps,
      environment: { STAGING_DB: pgUrl('staging'), DEV3_DB: pgUrl('dev3') },
      datastores: datastorePorts({ root: join(f.configDir, '..'), clock: systemClock, clusters: f.deps.clusters }),
    };
    const snapshot = await runDatastoreJob(deps, f.ctx(), { action: 'snapshot', env: 'staging', datastore: 'mary-db' });
    expect(snapshot.outcome).toBe('snapshotted');

    const world = await botWorld(ctx, f);
    const worker = startBotWorker(ctx, world, f.deps, { more: (slack, _connection, logger) => ({ datastoreList: datastoreListJobPipeline(deps, slack, logger) }) });

    if (world.redis.status !== 'ready') await new Promise((resolve) => world.redis.once('ready', resolve));
    // dave is in no environment's access list: a listing asks for none.
    const user = { id: 'U0DAVE', name: 'dave' };
    await world.send(signedSlashCommand(SECRET, { text: 'datastore list dev3', user, triggerId: 'T.list', responseUrl: world.slack.responseUrl('list') }));
    const jobId = requestKey('T0NESTOR', 'T.list');
    await world.response('list', `datastore list dev3: queued as job ${jobId}`);
    await worker.completed(jobId);
    await worker.flush();

    const posted = world.slack.callsOf('chat.postMessage').filter((c) => c.args['channel'] === 'C0DEPLOYS' && c.args['text'] === '2 datastores in dev3');
    expect(posted).toHaveLength(1);
    const sections = (posted[0]!.args['blocks'] as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    const cache = sections.find((s) => s.startsWith('```mary-cache'));
    const db = sections.find((s) => s.startsWith('```mary-db'));
    expect(cache).toMatch(/^```mary-cache \(redis, app mary\) in dev3: size unknown: the connection of datastore mary-cache of dev3 is missing: \$MARY_CACHE_DEV3 has no value; resets from staging nightly, mary scaled down around it\n {2}last reset: never\n/);
    expect(db).toMatch(/^```mary-db \(postgresql\) in dev3: \d+(\.\d)? [kM]B; resets from staging\n {2}last reset: never\n {2}snapshots of dev3: none\n {2}snapshots of staging:\n {4}staging\/mary-db\/\S+ {2}\d+(\.\d)? [kM]?B {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}job \S+```$/);
    // Line for line what `nestor datastore list dev3` prints (the database's size may move between two reads).
    const size = (text: string): string => text.replace(/in dev3: [\d.]+ [kMG]?B;/, 'in dev3: <size>;');
    const cli = listingLines('dev3', await listDatastores(deps, 'dev3')).join('\n');
    expect(size(sections.filter((s) => s.startsWith('```')).map((s) => s.slice(3, -3)).join('\n'))).toBe(size(cli));
    // The job's own status message, edited to its end.
    const last = [...world.slack.callsOf('chat.update')].pop();
    expect(String(last?.args['text'])).toContain('listed 2 datastores in dev3');
    expect(JSON.stringify(world.slack.calls)).not.toContain(pg.password);
  });

  it('refuses an unknown environment with nothing queued', async (ctx) => {
    const world = await botWorld(ctx, f);
    await world.send(signedSlashCommand(SECRET, { text: 'datastore list dev9', triggerId: 'T.bad', responseUrl: world.slack.responseUrl('bad') }));
    const refused = await world.response('bad', 'dev9');
    expect(JSON.stringify(refused.args)).toMatch(/unknown environment/i);
    expect(await world.queue.get(requestKey('T0NESTOR', 'T.bad'))).toBeUndefined();
  });
});
