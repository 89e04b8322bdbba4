// The SnapshotStore contract, run on the folder store and on the S3 store (against the S3
// stand-in) alike: snapshots named by environment, datastore and UTC time with a manifest beside
// each, listed newest first once complete, pruned to a retention count with what a killed
// snapshot left, ids checked, the last reset of a datastore kept apart from its snapshots.
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { NewSnapshot, SnapshotStore } from '../../src/core/ports/datastores.js';

export interface SnapshotStoreWorld {
  store: SnapshotStore;
  /** Sets the time the next snapshot is taken at. */
  at(iso: string): void;
  /** How messages name the store: its folder, or its s3:// URL. */
  where: string;
  /** The names of what the store holds for a datastore of an environment, sorted. */
  names(env: string, datastore: string): Promise<string[]>;
  /** Writes `text` at `path` (relative to the store's root) as something other than the store would. */
  writeRaw(path: string, text: string): Promise<void>;
  /** What a snapshot killed while being written at `stamp` leaves in the store; returns its name. */
  leftover(env: string, datastore: string, stamp: string): Promise<string>;
}

const DB: NewSnapshot = { env: 'staging', datastore: 'main-db', kind: 'postgresql', extension: 'pgdump', jobId: 'job-1' };

async function take(world: SnapshotStoreWorld, content: string, at: string, snapshot = DB) {
  world.at(at);
  return world.store.put(snapshot, (file) => writeFile(file, content));
}

export function snapshotStoreContract(name: string, makeWorld: () => Promise<SnapshotStoreWorld>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    it('keeps a snapshot as <env>/<datastore>/<UTC time>.<ext> with its manifest, and reads it back', async () => {
      const world = await makeWorld();
      const info = await take(world, 'dump one', '2026-12-02T03:00:00.000Z');
      expect(info).toEqual({
        id: 'staging/main-db/2026-12-02T03-00-00.000Z', env: 'staging', datastore: 'main-db', kind: 'postgresql',
        createdAt: '2026-12-02T03:00:00.000Z', bytes: 8, jobId: 'job-1',
      });
      expect(await world.names('staging', 'main-db')).toEqual(['2026-12-02T03-00-00.000Z.meta.json', '2026-12-02T03-00-00.000Z.pgdump']);
      expect(await world.store.get(info.id)).toEqual(info);
      expect(await world.store.read(info.id, async (file, read) => [await readFile(file, 'utf8'), read.id])).toEqual(['dump one', info.id]);
    });

    it('lists newest first, per environment and datastore', async () => {
      const world = await makeWorld();
      await take(world, 'a', '2026-12-01T03:00:00.000Z');
      await take(world, 'b', '2026-12-02T03:00:00.000Z');
      await take(world, 'c', '2026-12-02T04:00:00.000Z', { ...DB, datastore: 'cache', kind: 'redis', extension: 'redisdump' });
      expect((await world.store.list('staging', 'main-db')).map((s) => s.createdAt)).toEqual(['2026-12-02T03:00:00.000Z', '2026-12-01T03:00:00.000Z']);
      expect((await world.store.list('staging', 'cache')).map((s) => s.kind)).toEqual(['redis']);
      expect(await world.store.list('dev3', 'main-db')).toEqual([]);
    });

    it('keeps nothing of a snapshot whose writing failed', async () => {
      const world = await makeWorld();
      await expect(world.store.put(DB, async (file) => {
        await writeFile(file, 'half');
        throw new Error('pg_dump died');
      })).rejects.toThrow('pg_dump died');
      expect(await world.store.list('staging', 'main-db')).toEqual([]);
      expect(await world.names('staging', 'main-db')).toEqual([]);
    });

    it('prunes all but the newest, with what a killed snapshot left behind, but not one being taken now', async () => {
      const world = await makeWorld();
      for (const day of ['01', '02', '03', '04']) await take(world, day, `2026-12-${day}T03:00:00.000Z`);
      await world.leftover('staging', 'main-db', '2026-11-30T03-00-00.000Z');
      const current = await world.leftover('staging', 'main-db', '2026-12-05T03-00-00.000Z');
      const dropped = await world.store.prune('staging', 'main-db', 2);
      expect(dropped.map((s) => s.createdAt)).toEqual(['2026-12-02T03:00:00.000Z', '2026-12-01T03:00:00.000Z']);
      expect((await world.store.list('staging', 'main-db')).map((s) => s.createdAt)).toEqual(['2026-12-04T03:00:00.000Z', '2026-12-03T03:00:00.000Z']);
      expect(await world.names('staging', 'main-db')).toEqual([
        current,
        '2026-12-03T03-00-00.000Z.meta.json', '2026-12-03T03-00-00.000Z.pgdump',
        '2026-12-04T03-00-00.000Z.meta.json', '2026-12-04T03-00-00.000Z.pgdump',
      ].sort());
      await expect(world.store.prune('staging', 'main-db', 0)).rejects.toMatchObject({ code: 'bad_input' });
    });

    it('refuses ids and names that could lead out of its root, and says when a snapshot is missing', async () => {
      const world = await makeWorld();
      for (const id of ['../x/2026-12-02T03-00-00.000Z', 'staging/main-db/../../etc', 'staging/main-db', 'Staging/db/2026-12-02T03-00-00.000Z']) {
        await expect(world.store.get(id), id).rejects.toMatchObject({ code: 'bad_input', message: expect.stringContaining(`invalid snapshot id "${id}"`) });
      }
      await expect(world.store.put({ ...DB, env: '../etc' }, async () => undefined)).rejects.toMatchObject({
        code: 'bad_input', message: 'invalid environment name "../etc": expected a DNS-1123 label',
      });
      await expect(world.store.lastReset('dev3', '../main-db')).rejects.toMatchObject({ code: 'bad_input' });
      expect(await world.store.get('staging/main-db/2026-12-02T03-00-00.000Z')).toBeUndefined();
      await expect(world.store.read('staging/main-db/2026-12-02T03-00-00.000Z', async () => undefined)).rejects.toMatchObject({
        code: 'datastore_failed', message: `no snapshot staging/main-db/2026-12-02T03-00-00.000Z in ${world.where}`,
      });
    });

    it('keeps the last reset of a datastore apart from its snapshots, so pruning them keeps it', async () => {
      const world = await makeWorld();
      const { store } = world;
      expect(await store.lastReset('dev3', 'main-db')).toBeUndefined();
      const first = { env: 'dev3', datastore: 'main-db', snapshot: 'staging/main-db/2026-12-02T03-00-00.000Z', at: '2026-12-02T03:05:00.000Z', durationMs: 1200, jobId: 'job-2' };
      const second = { ...first, snapshot: 'staging/main-db/2026-12-03T03-00-00.000Z', at: '2026-12-03T03:05:00.000Z', jobId: 'job-3' };
      await store.recordReset(first);
      await store.recordReset(second);
      await take(world, 'dump of dev3', '2026-12-03T04:00:00.000Z', { ...DB, env: 'dev3' });
      await take(world, 'another dump of dev3', '2026-12-03T05:00:00.000Z', { ...DB, env: 'dev3' });
      await store.prune('dev3', 'main-db', 1);
      expect(await store.lastReset('dev3', 'main-db')).toEqual(second);
      expect(await store.lastReset('staging', 'main-db')).toBeUndefined();
      await world.writeRaw('dev3/.resets/main-db.json', '{"env":"dev3","datastore":"main-db","snapshot":"../../etc"}');
      await expect(store.lastReset('dev3', 'main-db')).rejects.toMatchObject({ code: 'datastore_failed' });
    });

    it('refuses a manifest it did not write', async () => {
      const world = await makeWorld();
      await world.writeRaw('staging/main-db/2026-12-02T03-00-00.000Z.meta.json', '{"id":"staging/main-db/2026-12-02T03-00-00.000Z","kind":"postgresql","file":"../../../etc/passwd"}');
      await expect(world.store.get('staging/main-db/2026-12-02T03-00-00.000Z')).rejects.toMatchObject({ code: 'datastore_failed' });
    });
  });
}
