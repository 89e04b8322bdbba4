// What only the S3 snapshot store has, against the S3 stand-in: a large snapshot goes up in parts
// and comes back whole, listings are read page by page, temp files are gone once a call returns,
// and every failure is a DatastoreFailed naming the bucket and key (retryable or not as S3's
// answer says), never a credential, leaving nothing listed and no upload half done.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { S3SnapshotStore } from '../../../src/adapters/s3/s3-snapshot-store.js';
import { objectStoreOf } from '../../../src/core/config/snapshot-settings.js';
import type { NewSnapshot } from '../../../src/core/ports/datastores.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { s3SnapshotStore, useS3Standin } from '../../support/s3-snapshot-stores.js';

const s3 = useS3Standin();
afterAll(cleanupFixtures);

const DB: NewSnapshot = { env: 'staging', datastore: 'main-db', kind: 'postgresql', extension: 'pgdump' };

function world(options: { credentials?: { accessKeyId: string; secretAccessKey: string }; bucket?: string } = {}) {
  let now = Date.parse('2026-12-02T03:00:00.000Z');
  const { bucket, store, temp } = s3SnapshotStore(s3, { ...options, prefix: 'snaps', clock: { now: () => (now += 60_000) }, maxAttempts: 2 });
  return { bucket, store, temp, tempFiles: () => readdirSync(temp) };
}

describe('S3SnapshotStore', () => {
  it('uploads a large snapshot in parts, streaming it, and downloads it whole into a temp file removed after the call', async () => {
    const { bucket, store, tempFiles } = world();
    const content = randomBytes(19 * 1024 * 1024);
    const info = await store.put(DB, (file) => writeFile(file, content));
    expect(info.bytes).toBe(content.length);
    expect(s3.of('UploadPart').filter((c) => c.bucket === bucket)).toHaveLength(3);
    expect(s3.of('CompleteMultipartUpload').filter((c) => c.bucket === bucket)).toHaveLength(1);
    expect(s3.keys(bucket)).toEqual([`snaps/staging/main-db/${info.id.split('/')[2]}.meta.json`, `snaps/staging/main-db/${info.id.split('/')[2]}.pgdump`]);
    let seen = '';
    const same = await store.read(info.id, async (file) => {
      seen = file;
      return (await readFile(file)).equals(content);
    });
    expect(same).toBe(true);
    expect(seen).not.toBe('');
    expect(tempFiles()).toEqual([]);
  });

  it('reads listings page by page', async () => {
    const { store } = world();
    s3.pageSize = 2;
    try {
      for (let i = 0; i < 5; i++) await store.put(DB, (file) => writeFile(file, `dump ${i}`));
      expect((await store.list('staging', 'main-db')).map((s) => s.createdAt)).toEqual([
        '2026-12-02T03:05:00.000Z', '2026-12-02T03:04:00.000Z', '2026-12-02T03:03:00.000Z', '2026-12-02T03:02:00.000Z', '2026-12-02T03:01:00.000Z',
      ]);
      expect((await store.prune('staging', 'main-db', 1)).length).toBe(4);
    } finally {
      s3.pageSize = 1000;
    }
    expect(await store.list('staging', 'main-db')).toHaveLength(1);
  });

  it('fails a refused upload of a part as a DatastoreFailed naming the key, aborts the upload and keeps nothing', async () => {
    const { bucket, store, tempFiles } = world();
    s3.failNext('UploadPart', 403, 'AccessDenied');
    const failed = store.put(DB, (file) => writeFile(file, randomBytes(11 * 1024 * 1024)));
    await expect(failed).rejects.toMatchObject({
      code: 'datastore_failed', retryable: false,
      message: `could not upload the snapshot to s3://${bucket}/snaps/staging/main-db/2026-12-02T03-01-00.000Z.pgdump: AccessDenied (HTTP 403)`,
    });
    expect(s3.pendingUploads).toBe(0);
    expect(s3.keys(bucket)).toEqual([]);
    expect(tempFiles()).toEqual([]);
  });

  it('removes the data of a snapshot whose manifest could not be written', async () => {
    const { bucket, store } = world();
    s3.failNext('PutObject', 403, 'AccessDenied', 2);
    await expect(store.put(DB, (file) => writeFile(file, 'small'))).rejects.toMatchObject({ code: 'datastore_failed' });
    expect(s3.keys(bucket)).toEqual([]);
  });

  it('says a store failing or out of reach may be retried, a missing bucket or a wrong key may not, and never prints the secret', async () => {
    const { bucket, store } = world();
    s3.failNext('ListObjectsV2', 503, 'SlowDown', 2);
    await expect(store.list('staging', 'main-db')).rejects.toMatchObject({
      code: 'datastore_failed', retryable: true, message: `could not list s3://${bucket}/snaps/staging/main-db/: SlowDown (HTTP 503)`,
    });
    await expect(world({ bucket: 'nobody-made-it' }).store.get('staging/main-db/2026-12-02T03-00-00.000Z')).rejects.toMatchObject({
      retryable: false, message: 'could not read s3://nobody-made-it/snaps/staging/main-db/2026-12-02T03-00-00.000Z.meta.json: NoSuchBucket (HTTP 404)',
    });
    const wrongSecret = world({ credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret-0123' } });
    const refused = await wrongSecret.store.lastReset('dev3', 'main-db').catch((error: Error) => error);
    expect(refused).toMatchObject({ retryable: false, message: `could not read s3://${wrongSecret.bucket}/snaps/dev3/.resets/main-db.json: SignatureDoesNotMatch (HTTP 403)` });
    const unknown = await world({ credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } }).store.list('dev3', 'main-db').catch((error: Error) => error);
    expect(unknown).toMatchObject({ message: expect.stringContaining('InvalidAccessKeyId (HTTP 403)') });
    const closed = new S3SnapshotStore({
      location: { ...objectStoreOf('s3://any/snaps'), endpoint: 'http://127.0.0.1:1', forcePathStyle: true }, clock: { now: Date.now }, credentials: s3.credentials, maxAttempts: 1,
    });
    await expect(closed.list('dev3', 'main-db')).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/^could not list s3:\/\/any\/snaps\/dev3\/main-db\/: unreachable \(ECONNREFUSED/) });
    for (const error of [refused, unknown]) expect(JSON.stringify(error) + String(error)).not.toMatch(/not-the-secret|standin-secret/);
  });
});
