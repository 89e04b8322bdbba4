// Snapshots in a folder: `<root>/<env>/<datastore>/<UTC time>.<ext>`, and beside each its
// manifest `<UTC time>.meta.json` (what SnapshotInfo says, plus the data file's name). A snapshot
// is written under a hidden `.partial` name, renamed when complete, and listed once its manifest
// is there: a snapshot killed midway is never listed, and the next prune removes what it left.
// An S3 bucket is the other adapter of the same port (src/adapters/s3/s3-snapshot-store.ts). The
// last reset of a datastore is kept as `<root>/<env>/.resets/<datastore>.json` (no datastore is
// named `.resets`).
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { NewSnapshot, ResetRecord, SnapshotInfo, SnapshotStore } from '../../core/ports/datastores.js';
import {
  MANIFEST, checkRetention, checkSnapshotFolder, infoOf, manifestName, manifestOf, newSnapshotNames, newestFirst, parseManifest,
  parseResetRecord, snapshotIdParts, type Manifest,
} from '../datastores/snapshot-manifests.js';

const PARTIAL = '.partial';

export class FolderSnapshotStore implements SnapshotStore {
  constructor(private readonly root: string, private readonly clock: Pick<Clock, 'now'>) {}

  async put(snapshot: NewSnapshot, write: (file: string, id: string) => Promise<void>): Promise<SnapshotInfo> {
    const names = newSnapshotNames(snapshot, this.clock.now());
    const { id, stamp, file } = names;
    const folder = this.folderOf(snapshot.env, snapshot.datastore);
    const partial = join(folder, `.${file}${PARTIAL}`);
    await mkdir(folder, { recursive: true });
    try {
      await write(partial, id);
      await rename(partial, join(folder, file));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const { size } = await stat(join(folder, file));
    const manifest = manifestOf(snapshot, names, size);
    await writeFile(join(folder, `.${stamp}${MANIFEST}${PARTIAL}`), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await rename(join(folder, `.${stamp}${MANIFEST}${PARTIAL}`), join(folder, `${stamp}${MANIFEST}`));
    return infoOf(manifest);
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
    if (!manifest) throw new NestorError(ErrorCode.DatastoreFailed, `no snapshot ${id} in ${this.root}`);
    return read(join(this.folderOf(manifest.env, manifest.datastore), manifest.file), infoOf(manifest));
  }

  async prune(env: string, datastore: string, keep: number): Promise<SnapshotInfo[]> {
    checkRetention(keep);
    const folder = this.folderOf(env, datastore);
    const manifests = await this.manifests(env, datastore);
    const dropped = manifests.slice(keep);
    for (const m of dropped) {
      await rm(join(folder, manifestName(m.id)), { force: true });
      await rm(join(folder, m.file), { force: true });
    }
    await this.removeLeftovers(folder, manifests.slice(0, keep));
    return dropped.map(infoOf);
  }

  async recordReset(reset: ResetRecord): Promise<void> {
    const file = this.resetFile(reset.env, reset.datastore);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(`${file}${PARTIAL}`, `${JSON.stringify(reset, null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}${PARTIAL}`, file);
  }

  async lastReset(env: string, datastore: string): Promise<ResetRecord | undefined> {
    const file = this.resetFile(env, datastore);
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : parseResetRecord(text, env, datastore, file);
  }

  private resetFile(env: string, datastore: string): string {
    return join(this.folderOf(env, datastore), '..', '.resets', `${datastore}.json`);
  }

  /** Data files no kept manifest names, and partial files of snapshots older than the oldest kept one. */
  private async removeLeftovers(folder: string, kept: readonly Manifest[]): Promise<void> {
    const named = new Set(kept.flatMap((m) => [m.file, manifestName(m.id)]));
    const oldest = kept.at(-1)?.createdAt.replaceAll(':', '-') ?? '';
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const partial = name.startsWith('.') && name.endsWith(PARTIAL);
      // A partial file newer than the oldest kept snapshot may be a snapshot being taken now.
      const stale = partial ? name.slice(1) < oldest : !named.has(name);
      if (stale) await rm(join(folder, name), { force: true });
    }
  }

  private async manifests(env: string, datastore: string): Promise<Manifest[]> {
    const folder = this.folderOf(env, datastore);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const ids = names.filter((n) => n.endsWith(MANIFEST) && !n.startsWith('.')).map((n) => `${env}/${datastore}/${n.slice(0, -MANIFEST.length)}`);
    return newestFirst(await Promise.all(ids.map((id) => this.manifest(id))));
  }

  private async manifest(id: string): Promise<Manifest | undefined> {
    const parts = snapshotIdParts(id);
    const path = join(this.folderOf(parts.env, parts.datastore), `${parts.stamp}${MANIFEST}`);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : parseManifest(text, id, path);
  }

  private folderOf(env: string, datastore: string): string {
    checkSnapshotFolder(env, datastore);
    return join(this.root, env, datastore);
  }
}
