// The folder snapshot store: files named by environment, datastore and UTC time with a manifest
// beside each, listed newest first once complete, pruned to a retention count, ids checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderSnapshotStore } from '../../../src/adapters/fs/folder-snapshot-store.js';
import type { NewSnapshot } from '../../../src/core/ports/datastores.js';

let dir: string;
let now: number;
let store: FolderSnapshotStore;
const DB: NewSnapshot = { env: 'staging', datastore: 'main-db', kind: 'postgresql', extension: 'pgdump', jobId: 'job-1' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nestor-snapshots-'));
  now = Date.parse('2026-12-02T03:00:00.000Z');
  store = new FolderSnapshotStore(dir, { now: () => now });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function take(content: string, at: string, snapshot = DB) {
  now = Date.parse(at);
  return store.put(snapshot, (file) => writeFile(file, content));
}

describe('FolderSnapshotStore', () => {
  it('keeps a snapshot as <env>/<datastore>/<UTC time>.<ext> with its manifest, and reads it back', async () => {
    const info = await take('dump one', '2026-12-02T03:00:00.000Z');
    expect(info).toEqual({
      id: 'staging/main-db/2026-12-02T03-00-00.000Z', env: 'staging', datastore: 'main-db', kind: 'postgresql',
      createdAt: '2026-12-02T03:00:00.000Z', bytes: 8, jobId: 'job-1',
    });
    expect((await readdir(join(dir, 'staging/main-db'))).sort()).toEqual(['2026-12-02T03-00-00.000Z.meta.json', '2026-12-02T03-00-00.000Z.pgdump']);
    expect(await store.get(info.id)).toEqual(info);
    expect(await store.read(info.id, async (file, read) => [await readFile(file, 'utf8'), read.id])).toEqual(['dump one', info.id]);
  });

  it('lists newest first, per environment and datastore', async () => {
    await take('a', '2026-12-01T03:00:00.000Z');
    await take('b', '2026-12-02T03:00:00.000Z');
    await take('c', '2026-12-02T04:00:00.000Z', { ...DB, datastore: 'cache', kind: 'redis', extension: 'redisdump' });
    expect((await store.list('staging', 'main-db')).map((s) => s.createdAt)).toEqual(['2026-12-02T03:00:00.000Z', '2026-12-01T03:00:00.000Z']);
    expect((await store.list('staging', 'cache')).map((s) => s.kind)).toEqual(['redis']);
    expect(await store.list('dev3', 'main-db')).toEqual([]);
  });

  it('keeps nothing of a snapshot whose writing failed', async () => {
    await expect(store.put(DB, async (file) => {
      await writeFile(file, 'half');
      throw new Error('pg_dump died');
    })).rejects.toThrow('pg_dump died');
    expect(await store.list('staging', 'main-db')).toEqual([]);
    expect(await readdir(join(dir, 'staging/main-db'))).toEqual([]);
  });

  it('prunes all but the newest, with what a killed snapshot left behind', async () => {
    for (const day of ['01', '02', '03', '04']) await take(day, `2026-12-${day}T03:00:00.000Z`);
    await writeFile(join(dir, 'staging/main-db/.2026-11-30T03-00-00.000Z.pgdump.partial'), 'killed');
    await writeFile(join(dir, 'staging/main-db/.2026-12-05T03-00-00.000Z.pgdump.partial'), 'being written');
    const dropped = await store.prune('staging', 'main-db', 2);
    expect(dropped.map((s) => s.createdAt)).toEqual(['2026-12-02T03:00:00.000Z', '2026-12-01T03:00:00.000Z']);
    expect((await store.list('staging', 'main-db')).map((s) => s.createdAt)).toEqual(['2026-12-04T03:00:00.000Z', '2026-12-03T03:00:00.000Z']);
    expect((await readdir(join(dir, 'staging/main-db'))).sort()).toEqual([
      '.2026-12-05T03-00-00.000Z.pgdump.partial',
      '2026-12-03T03-00-00.000Z.meta.json', '2026-12-03T03-00-00.000Z.pgdump',
      '2026-12-04T03-00-00.000Z.meta.json', '2026-12-04T03-00-00.000Z.pgdump',
    ]);
    await expect(store.prune('staging', 'main-db', 0)).rejects.toMatchObject({ code: 'bad_input' });
  });

  it('refuses ids and names that could lead out of its folder, and says when a snapshot is missing', async () => {
    for (const id of ['../x/2026-12-02T03-00-00.000Z', 'staging/main-db/../../etc', 'staging/main-db', 'Staging/db/2026-12-02T03-00-00.000Z']) {
      await expect(store.get(id), id).rejects.toMatchObject({ code: 'bad_input', message: expect.stringContaining(`invalid snapshot id "${id}"`) });
    }
    await expect(store.put({ ...DB, env: '../etc' }, async () => undefined)).rejects.toMatchObject({
      code: 'bad_input', message: 'invalid environment name "../etc": expected a DNS-1123 label',
    });
    expect(await store.get('staging/main-db/2026-12-02T03-00-00.000Z')).toBeUndefined();
    await expect(store.read('staging/main-db/2026-12-02T03-00-00.000Z', async () => undefined)).rejects.toMatchObject({
      code: 'datastore_failed', message: `no snapshot staging/main-db/2026-12-02T03-00-00.000Z in ${dir}`,
    });
  });

  it('keeps the last reset of a datastore apart from its snapshots, so pruning them keeps it', async () => {
    expect(await store.lastReset('dev3', 'main-db')).toBeUndefined();
    const first = { env: 'dev3', datastore: 'main-db', snapshot: 'staging/main-db/2026-12-02T03-00-00.000Z', at: '2026-12-02T03:05:00.000Z', durationMs: 1200, jobId: 'job-2' };
    const second = { ...first, snapshot: 'staging/main-db/2026-12-03T03-00-00.000Z', at: '2026-12-03T03:05:00.000Z', jobId: 'job-3' };
    await store.recordReset(first);
    await store.recordReset(second);
    await take('dump of dev3', '2026-12-03T04:00:00.000Z', { ...DB, env: 'dev3' });
    await take('another dump of dev3', '2026-12-03T05:00:00.000Z', { ...DB, env: 'dev3' });
    await store.prune('dev3', 'main-db', 1);
    expect(await store.lastReset('dev3', 'main-db')).toEqual(second);
    expect(await store.lastReset('staging', 'main-db')).toBeUndefined();
    await writeFile(join(dir, 'dev3/.resets/main-db.json'), '{"env":"dev3","datastore":"main-db","snapshot":"../../etc"}');
    await expect(store.lastReset('dev3', 'main-db')).rejects.toMatchObject({ code: 'datastore_failed' });
  });
});
