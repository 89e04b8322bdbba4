// The SnapshotStore contract on the folder store and on the S3 store (the S3 stand-in, path-style,
// a bucket of its own per test and a prefix), then what only the S3 store has: uploads in parts,
// listings in pages, temp files removed, and errors that name the bucket and key, never a secret.
import { mkdtempSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { FolderSnapshotStore } from '../../src/adapters/fs/folder-snapshot-store.js';
import { S3SnapshotStore } from '../../src/adapters/s3/s3-snapshot-store.js';
import { objectStoreOf } from '../../src/core/config/snapshot-settings.js';
import { cleanupFixtures, tempDir } from '../support/git-fixtures.js';
import { startS3Standin, type S3Standin } from '../support/s3-standin.js';
import { snapshotStoreContract, type SnapshotStoreWorld } from './snapshot-store.contract.js';

let s3: S3Standin;
beforeAll(async () => {
  s3 = await startS3Standin();
});
afterAll(async () => {
  await s3?.stop();
  cleanupFixtures();
});

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

let buckets = 0;
snapshotStoreContract('s3', async () => {
  const bucket = `snapshots-${++buckets}`;
  s3.createBucket(bucket);
  const location = { ...objectStoreOf(`s3://${bucket}/nestor/snapshots/`), endpoint: s3.endpoint, forcePathStyle: true };
  let now = 0;
  const put = (key: string, text: string) => s3.buckets.get(bucket)!.set(key, { body: Buffer.from(text), etag: '"raw"', modified: new Date(), contentType: '' });
  return {
    store: new S3SnapshotStore({ location, clock: { now: () => now }, credentials: s3.credentials, tempDir: mkdtempSync(join(tmpdir(), 'nestor-s3-tmp-')) }),
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
