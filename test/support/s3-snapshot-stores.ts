// The S3 stand-in shared by the tests of a file, and S3 snapshot stores on it: each on a bucket of
// its own (unless named), path-style, under a prefix, with the stand-in's credentials and a temp
// folder of its own (removed by cleanupFixtures).
import { S3SnapshotStore } from '../../src/adapters/s3/s3-snapshot-store.js';
import { objectStoreOf } from '../../src/core/config/snapshot-settings.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { tempDir } from './git-fixtures.js';
import { perFile } from './per-test.js';
import { startS3Standin, type S3Standin } from './s3-standin.js';

/** Started before the tests of the file (or `describe` block), stopped after them. */
export function useS3Standin(): S3Standin {
  return perFile('the S3 stand-in', startS3Standin, (s3) => s3.stop());
}

export interface S3StoreOptions {
  /** The key prefix the store's location names, e.g. `nestor/snapshots`. */
  prefix: string;
  clock: Pick<Clock, 'now'>;
  /** A bucket given by name is not created (e.g. one that does not exist). */
  bucket?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

let buckets = 0;

export function s3SnapshotStore(s3: S3Standin, options: S3StoreOptions): { bucket: string; store: S3SnapshotStore; temp: string } {
  const bucket = options.bucket ?? `snapshots-${++buckets}`;
  if (!options.bucket) s3.createBucket(bucket);
  const temp = tempDir('nestor-s3-tmp-');
  const store = new S3SnapshotStore({
    location: { ...objectStoreOf(`s3://${bucket}/${options.prefix}`), endpoint: s3.endpoint, forcePathStyle: true },
    clock: options.clock, credentials: options.credentials ?? s3.credentials, tempDir: temp,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  return { bucket, store, temp };
}
