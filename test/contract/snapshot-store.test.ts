// The SnapshotStore contract on the folder store and on the S3 store (the S3 stand-in, path-style,
// a bucket of its own per test and a prefix), then what only the S3 store has: uploads in parts,
// listings in pages, temp files removed, and errors that name the bucket and key, never a secret.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { FolderSnapshotStore } from '../../src/adapters/fs/folder-snapshot-store.js';
import { cleanupFixtures, tempDir } from '../support/git-fixtures.js';
import { s3SnapshotStore, useS3Standin } from '../support/s3-snapshot-stores.js';
import { snapshotStoreContract, type SnapshotStoreWorld } from './snapshot-store.contract.js';

const s3 = useS3Standin();
afterAll(cleanupFixtures);

snapshotStoreContract('folder', async () => {
  const dir = tempDir('nestor-snapshots-');
  let now = 0;
  return {
    store: new FolderSnapshotStore(dir, { now: () => now }),
    at: (iso) => void (now = Date.parse(iso)),
    where: dir,
    names: async (env, datastore) => (await readdir(join(dir, env, datastore)).catch(() => [])).sort(),
    writeRaw: async (path, text) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    },
    leftover: async (env, datastore, stamp) => {
      const name = `.${stamp}.pgdump.partial`;
      await writeFile(join(dir, env, datastore, name), 'killed midway');
      return name;
    },
  } satisfies SnapshotStoreWorld;
});

snapshotStoreContract('s3', async () => {
  let now = 0;
  const { bucket, store } = s3SnapshotStore(s3, { prefix: 'nestor/snapshots/', clock: { now: () => now } });
  const put = (key: string, text: string) => s3.buckets.get(bucket)!.set(key, { body: Buffer.from(text), etag: '"raw"', modified: new Date(), contentType: '' });
  return {
    store,
    at: (iso) => void (now = Date.parse(iso)),
    where: `s3://${bucket}/nestor/snapshots/`,
    names: async (env, datastore) => {
      const folder = `nestor/snapshots/${env}/${datastore}/`;
      return s3.keys(bucket).filter((k) => k.startsWith(folder) && !k.slice(folder.length).includes('/')).map((k) => k.slice(folder.length));
    },
    writeRaw: async (path, text) => void put(`nestor/snapshots/${path}`, text),
    leftover: async (env, datastore, stamp) => {
      put(`nestor/snapshots/${env}/${datastore}/${stamp}.pgdump`, 'uploaded, then killed before its manifest');
      return `${stamp}.pgdump`;
    },
  } satisfies SnapshotStoreWorld;
});
