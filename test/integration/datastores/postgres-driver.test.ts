// The PostgreSQL driver against a real PostgreSQL: a reset of dev3 from a snapshot of staging
// gives dev3 exactly staging's data; a restore killed midway leaves dev3 as it was; the
// password is in no snapshot file, command line or message.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDriver } from '../../../src/adapters/datastores/postgres-driver.js';
import { FolderSnapshotStore } from '../../../src/adapters/fs/folder-snapshot-store.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { SecretText, type DatastoreTarget, type SnapshotInfo } from '../../../src/core/ports/datastores.js';
import { commandLinesHolding, halfFedPipe, startRestoreChild } from '../../support/datastore-kill.js';
import { eventually } from '../../support/eventually.js';
import { startPostgres, type PostgresServer } from '../../support/postgres-server.js';

let pg: PostgresServer;
let dir: string;
let store: FolderSnapshotStore;
const driver = postgresDriver();

beforeAll(async () => {
  pg = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'nestor-pg-snapshots-'));
  store = new FolderSnapshotStore(dir, systemClock);
  pg.sql('postgres', 'CREATE DATABASE staging;\nCREATE DATABASE dev3;');
  pg.sql('staging', `
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, created date NOT NULL DEFAULT '2026-01-01');
    CREATE TABLE orders (id serial PRIMARY KEY, customer int NOT NULL REFERENCES customers(id), total numeric(10, 2));
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
    INSERT INTO customers (name) SELECT 'customer ' || i FROM generate_series(1, 10000) AS i;
    INSERT INTO orders (customer, total) SELECT i, (i % 500) + 0.25 FROM generate_series(1, 10000) AS i;`);
}, 60_000);

afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function target(env: string, database: string, password = pg.password): DatastoreTarget {
  return { env, name: 'main-db', kind: 'postgresql', connection: { url: pg.url(database), password: SecretText.of(password) } };
}

/** The tables of a database with a hash of each one's rows, where the sequences stand and the views (one psql). */
function fingerprint(database: string): string {
  return pg.sql(database, `
    SELECT string_agg(tablename || ': ' || md5(query_to_xml(format('SELECT * FROM public.%1$I t ORDER BY t::text', tablename), false, false, '')::text), ' ' ORDER BY tablename)
      FROM pg_tables WHERE schemaname = 'public';
    SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ' ' ORDER BY 1) FROM pg_sequences;
    SELECT string_agg(viewname, ' ' ORDER BY 1) FROM pg_views WHERE schemaname = 'public';`);
}

function snapshotStaging(): Promise<SnapshotInfo> {
  return store.put({ env: 'staging', datastore: 'main-db', kind: 'postgresql', extension: driver.extension }, (file, id) =>
    driver.snapshot(target('staging', 'staging'), file, { snapshotId: id, runId: 'test' }));
}

/** Databases a restore works in, dropped once it is done. */
function leftovers(): string[] {
  return databases().filter((d) => /_nestor_(new|old)$/.test(d));
}

function databases(): string[] {
  return pg.sql('postgres', 'SELECT datname FROM pg_database ORDER BY 1;').split('\n');
}

// A restore spawns psql, pg_restore and psql again: on a loaded machine that takes seconds.
describe('PostgreSQL driver', { timeout: 120_000 }, () => {
  it('resets dev3 from a snapshot of staging: dev3 then holds exactly staging\'s data', async () => {
    const snapshot = await snapshotStaging();
    expect(snapshot).toMatchObject({ env: 'staging', datastore: 'main-db', kind: 'postgresql' });
    expect(snapshot.bytes).toBeGreaterThan(0);
    pg.sql('dev3', `CREATE TABLE notes (id int); INSERT INTO notes VALUES (1), (2);`);
    pg.sql('dev3', `CREATE TABLE customers (id int, name text); INSERT INTO customers VALUES (7, 'dev only');`);
    expect(fingerprint('dev3')).not.toBe(fingerprint('staging'));

    await store.read(snapshot.id, (file) => driver.restore(target('dev3', 'dev3'), file, { snapshotId: snapshot.id, runId: 'test' }));

    expect(fingerprint('dev3')).toBe(fingerprint('staging'));
    expect(leftovers()).toEqual([]);
    expect(await driver.size(target('dev3', 'dev3'))).toBeGreaterThan(1_000_000);
  });

  it('ends the sessions of the target to swap it, and restores into a database that does not exist yet', async () => {
    const snapshot = await snapshotStaging();
    const session = spawn('psql', ['-X', '-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'dev3', '-c', 'SELECT pg_sleep(600);'], {
      env: { ...process.env, PGPASSWORD: pg.password, PGAPPNAME: 'app-session' }, stdio: 'ignore',
    });
    const ended = once(session, 'exit');
    await eventually('the app session on dev3', () => pg.sql('postgres', `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'app-session';`) === '1');
    await store.read(snapshot.id, (file) => driver.restore(target('dev3', 'dev3'), file, { snapshotId: snapshot.id, runId: 'test' }));
    expect(fingerprint('dev3')).toBe(fingerprint('staging'));
    expect((await ended)[0]).not.toBe(0);

    pg.sql('postgres', 'DROP DATABASE IF EXISTS dev4;');
    await store.read(snapshot.id, (file) => driver.restore(target('dev4', 'dev4'), file, { snapshotId: snapshot.id, runId: 'test' }));
    expect(fingerprint('dev4')).toBe(fingerprint('staging'));
  });

  it('with template=on, keeps a snapshot as a template database that the next resets from it copy, without pg_restore', async () => {
    const withTemplate = (env: string): DatastoreTarget => {
      const t = target(env, env) as DatastoreTarget & { kind: 'postgresql' };
      return { ...t, connection: { ...t.connection, url: `${t.connection.url}?template=on` } };
    };
    const first = await snapshotStaging();
    await store.read(first.id, (file) => driver.restore(withTemplate('dev3'), file, { snapshotId: first.id, runId: 'test' }));
    expect(fingerprint('dev3')).toBe(fingerprint('staging'));
    const templates = () => pg.sql('postgres', `SELECT datname || ' ' || shobj_description(oid, 'pg_database') FROM pg_database WHERE datname LIKE '%nestor_template';`);
    expect(templates()).toBe(`staging_main_db_nestor_template ${first.id}`);

    // The file is not read: an empty one would fail pg_restore.
    const empty = join(dir, 'empty.pgdump');
    await writeFile(empty, '');
    pg.sql('postgres', 'DROP DATABASE IF EXISTS dev5;');
    await driver.restore(withTemplate('dev5'), empty, { snapshotId: first.id, runId: 'test' });
    expect(fingerprint('dev5')).toBe(fingerprint('staging'));

    pg.sql('staging', `INSERT INTO customers (name) VALUES ('new in staging');`);
    const second = await snapshotStaging();
    await store.read(second.id, (file) => driver.restore(withTemplate('dev5'), file, { snapshotId: second.id, runId: 'test' }));
    expect(fingerprint('dev5')).toBe(fingerprint('staging'));
    expect(templates()).toBe(`staging_main_db_nestor_template ${second.id}`);
  });

  it('leaves dev3 as it was when the restore is killed midway, and the next restore cleans up after it', async () => {
    const snapshot = await snapshotStaging();
    pg.sql('dev3', `DROP TABLE IF EXISTS notes; CREATE TABLE notes (id int); INSERT INTO notes VALUES (42);`);
    const before = fingerprint('dev3');
    const file = await store.read(snapshot.id, async (f) => f);
    const pipe = await halfFedPipe(join(dir, 'half.pgdump'), file, 0.6);
    const restore = startRestoreChild(target('dev3', 'dev3') as DatastoreTarget & { kind: 'postgresql' }, join(dir, 'half.pgdump'), snapshot.id);
    try {
      // Midway: pg_restore is in the new database, waiting for the rest of the snapshot.
      await eventually('pg_restore in the new database', async () => {
        if (restore.child.exitCode !== null) throw new Error(`the restore ended: ${JSON.stringify(await restore.exited)}`);
        return pg.sql('postgres', `SELECT count(*) FROM pg_stat_activity WHERE datname = 'dev3_nestor_new';`) !== '0';
      }, 20_000, 20);
      expect(await commandLinesHolding(pg.password)).toEqual([]);
      expect(fingerprint('dev3')).toBe(before);
      restore.killAll();
      expect((await restore.exited).code).toBeNull();
    } finally {
      await pipe.close();
    }
    expect(fingerprint('dev3')).toBe(before);
    expect(databases()).toContain('dev3_nestor_new');

    await store.read(snapshot.id, (f) => driver.restore(target('dev3', 'dev3'), f, { snapshotId: snapshot.id, runId: 'test' }));
    expect(fingerprint('dev3')).toBe(fingerprint('staging'));
    expect(leftovers()).toEqual([]);
  });

  it('leaves dev3 as it was when the snapshot is truncated, and drops what it restored', async () => {
    const snapshot = await snapshotStaging();
    const before = fingerprint('dev3');
    const file = await store.read(snapshot.id, async (f) => f);
    const truncated = join(dir, 'truncated.pgdump');
    const bytes = await readFile(file);
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(driver.restore(target('dev3', 'dev3'), truncated, { snapshotId: snapshot.id, runId: 'test' }))
      .rejects.toMatchObject({ code: 'datastore_failed', message: expect.stringMatching(/^pg_restore into dev3\/main-db failed: /) });
    expect(fingerprint('dev3')).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it('keeps the password out of snapshot files, manifests, messages and printed targets', async () => {
    await snapshotStaging();
    for (const env of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!env.isFile()) continue;
      expect((await readFile(join(env.parentPath, env.name))).includes(pg.password), env.name).toBe(false);
    }
    const wrong = target('dev3', 'dev3', 'not-the-password-1234');
    const error = await driver.size(wrong).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'datastore_failed', message: expect.stringContaining('psql on dev3/main-db failed: ') });
    expect(String((error as Error).message)).not.toContain('not-the-password-1234');
    expect(JSON.stringify(target('dev3', 'dev3'))).not.toContain(pg.password);
    expect(inspect(target('dev3', 'dev3'), { depth: 5 })).not.toContain(pg.password);
  });

  it('refuses a connection URL holding a password, naming the datastore', async () => {
    const bad: DatastoreTarget = { env: 'dev3', name: 'main-db', kind: 'postgresql', connection: { url: `postgresql://nestor:${pg.password}@127.0.0.1:${pg.port}/dev3` } };
    const error = await driver.size(bad).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'bad_input', message: 'the connection of datastore dev3/main-db holds a password in its URL (give it apart, as a Secret)' });
  });
});
