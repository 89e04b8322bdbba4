// The Redis driver against a real redis-server of its own (with a password): a reset of dev3
// (db 2) from a snapshot of staging (db 1) gives dev3 exactly staging's keys, values and TTLs;
// a restore killed midway leaves dev3 as it was; the password is in no file, argv or message.
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisDriver, SCRATCH_MARK } from '../../../src/adapters/datastores/redis-driver.js';
import { FolderSnapshotStore } from '../../../src/adapters/fs/folder-snapshot-store.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { SecretText, type DatastoreTarget, type SnapshotInfo } from '../../../src/core/ports/datastores.js';
import { commandLinesHolding, halfFedPipe, startRestoreChild } from '../../support/datastore-kill.js';
import { eventually } from '../../support/eventually.js';
import { redisClient } from '../../support/redis.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';

const PASSWORD = `redis-pw-${Math.random().toString(36).slice(2)}`;
const STAGING = 1;
const DEV3 = 2;
const SCRATCH = 9;
let server: RedisServer;
let dir: string;
let store: FolderSnapshotStore;
const driver = redisDriver();
const db: Record<number, Redis> = {};

beforeAll(async () => {
  server = await startRedis();
  await redisClient({}, server.url).config('SET', 'requirepass', PASSWORD);
  for (const index of [STAGING, DEV3, SCRATCH]) db[index] = redisClient({ db: index, password: PASSWORD }, server.url);
  dir = mkdtempSync(join(tmpdir(), 'nestor-redis-snapshots-'));
  store = new FolderSnapshotStore(dir, systemClock);
  const staging = db[STAGING]!;
  const fill = staging.pipeline();
  for (let i = 0; i < 3000; i++) fill.set(`user:${i}`, `name ${i} ${'x'.repeat(200)}`);
  fill.hset('config', { mode: 'staging', 'with\nnewline': 'v' }).rpush('queue', 'a', 'b', 'c').zadd('ranks', 1, 'one', 2, 'two');
  fill.set(Buffer.from([0xff, 0x00, 0x7f]), Buffer.from([0x00, 0x01, 0xfe]));
  fill.set('session:short', 's', 'PX', 600_000).set('session:long', 'l', 'EX', 86_400);
  await fill.exec();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function target(env: string, index: number, password = PASSWORD): DatastoreTarget {
  return { env, name: 'cache', kind: 'redis', connection: { url: `redis://127.0.0.1:${server.port}/${index}?scratch_db=${SCRATCH}`, password: SecretText.of(password) } };
}

/** Every key with its DUMP payload, sorted; TTLs as "expires" or "persistent". */
async function contents(redis: Redis): Promise<string[]> {
  const keys = await redis.keysBuffer('*');
  const out: string[] = [];
  for (const key of keys) {
    const ttl = await redis.pttl(key);
    out.push(`${key.toString('hex')} ${(await redis.dumpBuffer(key))?.toString('hex')} ${ttl < 0 ? 'persistent' : 'expires'}`);
  }
  return out.sort();
}

function snapshotStaging(): Promise<SnapshotInfo> {
  return store.put({ env: 'staging', datastore: 'cache', kind: 'redis', extension: driver.extension }, (file, id) =>
    driver.snapshot(target('staging', STAGING), file, { snapshotId: id, runId: 'test' }));
}

describe('Redis driver', { timeout: 60_000 }, () => {
  it('resets dev3 from a snapshot of staging: dev3 then holds exactly staging\'s keys and TTLs', async () => {
    const snapshot = await snapshotStaging();
    await db[DEV3]!.set('dev-only', '1');
    await db[DEV3]!.set('user:1', 'changed in dev3');

    await store.read(snapshot.id, (file) => driver.restore(target('dev3', DEV3), file, { snapshotId: snapshot.id, runId: 'test' }));

    expect(await contents(db[DEV3]!)).toEqual(await contents(db[STAGING]!));
    expect(await db[DEV3]!.pttl('session:long')).toBeGreaterThan(86_000_000);
    expect(await db[SCRATCH]!.dbsize()).toBeLessThanOrEqual(1); // the replaced data flushed (asynchronously)
    expect(await driver.size(target('dev3', DEV3))).toBeGreaterThan(600_000);
  });

  it('leaves dev3 as it was when the restore is killed midway, and the next restore takes the scratch database back', async () => {
    const snapshot = await snapshotStaging();
    await db[DEV3]!.flushdb();
    await db[DEV3]!.set('before', 'kept');
    const before = await contents(db[DEV3]!);
    const file = await store.read(snapshot.id, async (f) => f);
    const pipe = await halfFedPipe(join(dir, 'half.redisdump'), file, 0.5);
    const restore = startRestoreChild(target('dev3', DEV3) as DatastoreTarget & { kind: 'redis' }, join(dir, 'half.redisdump'), snapshot.id);
    try {
      await eventually('keys restored into the scratch database', async () => {
        if (restore.child.exitCode !== null) throw new Error(`the restore ended: ${JSON.stringify(await restore.exited)}`);
        return (await db[SCRATCH]!.dbsize()) > 500;
      }, 20_000, 20);
      expect(await commandLinesHolding(PASSWORD)).toEqual([]);
      restore.killAll();
      expect((await restore.exited).code).toBeNull();
    } finally {
      await pipe.close();
    }
    expect(await contents(db[DEV3]!)).toEqual(before);
    expect(await db[SCRATCH]!.exists(SCRATCH_MARK)).toBe(1);

    await store.read(snapshot.id, (f) => driver.restore(target('dev3', DEV3), f, { snapshotId: snapshot.id, runId: 'test' }));
    expect(await contents(db[DEV3]!)).toEqual(await contents(db[STAGING]!));
  });

  it('refuses a scratch database holding keys it did not put there, and a truncated snapshot, leaving dev3 as it was', async () => {
    const snapshot = await snapshotStaging();
    const before = await contents(db[DEV3]!);
    await db[SCRATCH]!.flushdb();
    await db[SCRATCH]!.set('someone-else', '1');
    const restore = (file: string) => driver.restore(target('dev3', DEV3), file, { snapshotId: snapshot.id, runId: 'test' });
    await expect(store.read(snapshot.id, restore)).rejects.toMatchObject({
      code: 'datastore_failed', message: `scratch_db ${SCRATCH} of datastore dev3/cache holds 1 keys Nestor did not put there: give a database index nothing else uses`,
    });
    await db[SCRATCH]!.flushdb();
    const truncated = join(dir, 'truncated.redisdump');
    const bytes = await store.read(snapshot.id, (f) => readFile(f));
    await writeFile(truncated, bytes.subarray(0, bytes.length - 3));
    await expect(restore(truncated)).rejects.toMatchObject({ code: 'datastore_failed', message: `the Redis snapshot ${snapshot.id} is truncated` });
    expect(await contents(db[DEV3]!)).toEqual(before);
  });

  it('keeps the password out of snapshot files, messages and printed targets', async () => {
    await snapshotStaging();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) expect((await readFile(join(entry.parentPath, entry.name))).includes(PASSWORD), entry.name).toBe(false);
    }
    const error = (await driver.size(target('dev3', DEV3, 'not-the-password-1234')).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'datastore_failed', message: expect.stringMatching(/^could not measure Redis datastore dev3\/cache: /) });
    expect(error.message).not.toContain('not-the-password-1234');
    expect(JSON.stringify(target('dev3', DEV3))).not.toContain(PASSWORD);
  });

  it('needs a scratch database other than its own to restore', async () => {
    const own: DatastoreTarget = { env: 'dev3', name: 'cache', kind: 'redis', connection: { url: `redis://127.0.0.1:${server.port}/${DEV3}` } };
    await expect(driver.restore(own, '/nonexistent', { snapshotId: 'x', runId: 'test' })).rejects.toMatchObject({
      code: 'bad_input', message: 'the connection of datastore dev3/cache needs a scratch_db other than its own (redis://host:port/db?scratch_db=15) to restore into',
    });
  });
});
