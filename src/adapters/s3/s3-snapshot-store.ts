// Snapshots in an S3 bucket (or an S3-compatible store), laid out as the folder store lays its
// files: `<prefix>/<env>/<datastore>/<UTC time>.<ext>` and its manifest `<UTC time>.meta.json`,
// the last reset of a datastore in `<prefix>/<env>/.resets/<datastore>.json`. A driver writes its
// snapshot into a local temp file, which is uploaded (in parts when large: a few parts in memory,
// never the whole file), then the manifest is written: an object is whole once written, and a
// snapshot is listed only once its manifest is there. A kill between the two leaves a data object
// without a manifest, which the next prune deletes; an upload killed midway leaves parts that
// only a lifecycle rule of the bucket (AbortIncompleteMultipartUpload) removes. `read` downloads
// the snapshot into a temp file for the duration of the call.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStoreLocation } from '../../core/config/snapshot-settings.js';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import { parseSnapshotId, type NewSnapshot, type ResetRecord, type SnapshotInfo, type SnapshotStore } from '../../core/ports/datastores.js';
import {
  MANIFEST, checkRetention, checkSnapshotFolder, infoOf, manifestName, manifestOf, newSnapshotNames, newestFirst, parseManifest,
  parseResetRecord, snapshotIdParts, type Manifest,
} from '../datastores/snapshot-manifests.js';
import { isMissing, objectStoreFailed, s3Connection, type S3Connection, type S3ConnectionOptions } from './s3-connection.js';

/** Parts of a multipart upload: 2 of 8 MiB in memory at once. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_AT_ONCE = 2;

export interface S3SnapshotStoreOptions extends S3ConnectionOptions {
  location: ObjectStoreLocation;
  clock: Pick<Clock, 'now'>;
  /** Where snapshots are written before their upload and downloaded before a restore (default: the OS's temp folder). */
  tempDir?: string;
}

export class S3SnapshotStore implements SnapshotStore {
  private readonly location: ObjectStoreLocation;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly tempDir: string;
  private readonly connection: () => Promise<S3Connection>;

  constructor(options: S3SnapshotStoreOptions) {
    this.location = options.location;
    this.clock = options.clock;
    this.tempDir = options.tempDir ?? tmpdir();
    this.connection = s3Connection(options.location, options);
  }

  async put(snapshot: NewSnapshot, write: (file: string, id: string) => Promise<void>): Promise<SnapshotInfo> {
    const names = newSnapshotNames(snapshot, this.clock.now());
    const { id, stamp, file } = names;
    const folder = this.folderOf(snapshot.env, snapshot.datastore);
    return this.withTempFile(file, async (local) => {
      await write(local, id);
      const { size } = await stat(local);
      await this.upload(`${folder}/${file}`, local);
      const manifest = manifestOf(snapshot, names, size);
      try {
        await this.putText(`${folder}/${stamp}${MANIFEST}`, JSON.stringify(manifest, null, 2));
      } catch (error) {
        await this.delete([`${folder}/${file}`]).catch(() => undefined);
        throw error;
      }
      return infoOf(manifest);
    });
  }

  async list(env: string, datastore: string): Promise<SnapshotInfo[]> {
    return (await this.manifests(env, datastore)).map(infoOf);
  }

  async get(id: string): Promise<SnapshotInfo | undefined> {
    const manifest = await this.manifest(id);
    return manifest && infoOf(manifest);
  }

  async read<T>(id: string, read: (file: string, info: SnapshotInfo) => Promise<T>): Promise<T> {
    const manifest = await this.manifest(id);
    if (!manifest) throw new NestorError(ErrorCode.DatastoreFailed, `no snapshot ${id} in ${this.location.url}`);
    const key = `${this.folderOf(manifest.env, manifest.datastore)}/${manifest.file}`;
    return this.withTempFile(manifest.file, async (local) => {
      await this.download(key, local);
      return read(local, infoOf(manifest));
    });
  }

  async prune(env: string, datastore: string, keep: number): Promise<SnapshotInfo[]> {
    checkRetention(keep);
    const folder = this.folderOf(env, datastore);
    const names = await this.names(folder);
    const manifests = await this.manifestsNamed(env, datastore, names);
    const kept = manifests.slice(0, keep);
    const dropped = manifests.slice(keep);
    const named = new Set(kept.flatMap((m) => [m.file, manifestName(m.id)]));
    // A data object newer than the oldest kept snapshot and without a manifest may be one being taken now.
    const oldest = kept.at(-1) ? parseSnapshotId(kept.at(-1)!.id)!.stamp : '';
    const manifestsFirst = dropped.map((m) => manifestName(m.id));
    const stale = names.filter((name) => !named.has(name) && !manifestsFirst.includes(name) && (name.endsWith(MANIFEST) || name < oldest));
    await this.delete(manifestsFirst.map((name) => `${folder}/${name}`));
    await this.delete(stale.map((name) => `${folder}/${name}`));
    return dropped.map(infoOf);
  }

  async recordReset(reset: ResetRecord): Promise<void> {
    await this.putText(this.resetKey(reset.env, reset.datastore), JSON.stringify(reset, null, 2));
  }

  async lastReset(env: string, datastore: string): Promise<ResetRecord | undefined> {
    const key = this.resetKey(env, datastore);
    const text = await this.getText(key);
    return text === undefined ? undefined : parseResetRecord(text, env, datastore, `s3://${this.location.bucket}/${key}`);
  }

  private resetKey(env: string, datastore: string): string {
    this.folderOf(env, datastore);
    return this.keyOf(env, '.resets', `${datastore}.json`);
  }

  private async manifests(env: string, datastore: string): Promise<Manifest[]> {
    return this.manifestsNamed(env, datastore, await this.names(this.folderOf(env, datastore)));
  }

  /** The manifests among `names` (objects of the datastore's folder), newest first. */
  private async manifestsNamed(env: string, datastore: string, names: readonly string[]): Promise<Manifest[]> {
    const ids = names.filter((n) => n.endsWith(MANIFEST)).map((n) => `${env}/${datastore}/${n.slice(0, -MANIFEST.length)}`).filter((id) => parseSnapshotId(id));
    return newestFirst(await Promise.all(ids.map((id) => this.manifest(id))));
  }

  private async manifest(id: string): Promise<Manifest | undefined> {
    const parts = snapshotIdParts(id);
    const key = `${this.folderOf(parts.env, parts.datastore)}/${parts.stamp}${MANIFEST}`;
    const text = await this.getText(key);
    return text === undefined ? undefined : parseManifest(text, id, `s3://${this.location.bucket}/${key}`);
  }

  /** The key prefix of a datastore's snapshots, its names checked (so never a key outside it). */
  private folderOf(env: string, datastore: string): string {
    checkSnapshotFolder(env, datastore);
    return this.keyOf(env, datastore);
  }

  private keyOf(...parts: string[]): string {
    return [this.location.prefix, ...parts].filter((part) => part !== '').join('/');
  }

  private async withTempFile<T>(name: string, use: (file: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(this.tempDir, 'nestor-snapshot-'));
    try {
      return await use(join(dir, name));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  // The object store's verbs, each turning an SDK error into a DatastoreFailed naming the key.

  private async call<T>(action: string, key: string, run: (s3: S3Connection) => Promise<T>): Promise<T> {
    try {
      return await run(await this.connection());
    } catch (error) {
      throw objectStoreFailed(action, this.location.bucket, key, error);
    }
  }

  private async upload(key: string, file: string): Promise<void> {
    await this.call('upload the snapshot to', key, async ({ storage, client }) => {
      const body = createReadStream(file);
      try {
        await new storage.Upload({
          client, params: { Bucket: this.location.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' },
          partSize: PART_SIZE, queueSize: PARTS_AT_ONCE, leavePartsOnError: false,
        }).done();
      } finally {
        body.destroy();
      }
    });
  }

  private async download(key: string, file: string): Promise<void> {
    await this.call('download the snapshot', key, async ({ sdk, client }) => {
      const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      await pipeline(Body as Readable, createWriteStream(file, { mode: 0o600 }));
    });
  }

  private async putText(key: string, text: string): Promise<void> {
    await this.call('write', key, ({ sdk, client }) =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: `${text}\n`, ContentType: 'application/json' })));
  }

  /** The object's text; undefined when there is none. */
  private async getText(key: string): Promise<string | undefined> {
    return this.call('read', key, async ({ sdk, client }) => {
      try {
        const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
        return await Body!.transformToString('utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    });
  }

  /** The names of the objects directly in `folder` (not deeper). */
  private async names(folder: string): Promise<string[]> {
    return this.call('list', `${folder}/`, async ({ sdk, client }) => {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({
          Bucket: this.location.bucket, Prefix: `${folder}/`, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}),
        }));
        for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(folder.length + 1));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return names;
    });
  }

  private async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      await this.call('delete', batch[0]!, async ({ sdk, client }) => {
        const { Errors } = await client.send(new sdk.DeleteObjectsCommand({
          Bucket: this.location.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }));
        const failed = Errors?.[0];
        if (failed) throw new NestorError(ErrorCode.DatastoreFailed, `could not delete s3://${this.location.bucket}/${failed.Key ?? ''}: ${failed.Code ?? 'error'}`, { retryable: true });
      });
    }
  }
}
