// What the folder and S3 snapshot stores share: the layout of a datastore's snapshots (a data
// file and its manifest `<UTC time>.meta.json`, named by the snapshot's time) and the checks of
// what they read back, so that both accept and refuse the same names, ids and records.
import { isDnsLabel } from '../../core/config/schema-constants.js';
import { ErrorCode, NestorError } from '../../core/errors.js';
import {
  DatastoreKind, parseSnapshotId, snapshotId, type NewSnapshot, type ResetRecord, type SnapshotInfo,
} from '../../core/ports/datastores.js';

export const MANIFEST = '.meta.json';
const EXTENSION = /^[a-z0-9][a-z0-9.-]{0,30}$/;
const KINDS: ReadonlySet<string> = new Set(Object.values(DatastoreKind));

export interface Manifest extends SnapshotInfo {
  /** The data file (or object), beside the manifest. */
  file: string;
}

/** A new snapshot's id, time stamp and data file name. */
export interface SnapshotNames {
  id: string;
  stamp: string;
  file: string;
  createdAt: Date;
}

/** Throws BadInput unless both names are DNS labels (so no path or key leaves the datastore's folder). */
export function checkSnapshotFolder(env: string, datastore: string): void {
  for (const [what, name] of [['environment', env], ['datastore', datastore]] as const) {
    if (!isDnsLabel(name)) throw new NestorError(ErrorCode.BadInput, `invalid ${what} name "${name}": expected a DNS-1123 label`);
  }
}

export function newSnapshotNames(snapshot: NewSnapshot, now: number): SnapshotNames {
  checkSnapshotFolder(snapshot.env, snapshot.datastore);
  if (!EXTENSION.test(snapshot.extension)) throw new NestorError(ErrorCode.BadInput, `invalid snapshot extension "${snapshot.extension}"`);
  const createdAt = new Date(now);
  const id = snapshotId(snapshot.env, snapshot.datastore, createdAt);
  const stamp = parseSnapshotId(id)!.stamp;
  return { id, stamp, file: `${stamp}.${snapshot.extension}`, createdAt };
}

export function manifestOf(snapshot: NewSnapshot, names: SnapshotNames, bytes: number): Manifest {
  return {
    id: names.id, env: snapshot.env, datastore: snapshot.datastore, kind: snapshot.kind, createdAt: names.createdAt.toISOString(), bytes,
    ...(snapshot.jobId === undefined ? {} : { jobId: snapshot.jobId }), file: names.file,
  };
}

/** The name of a snapshot's manifest in its datastore's folder. */
export function manifestName(id: string): string {
  return `${snapshotIdParts(id).stamp}${MANIFEST}`;
}

export function snapshotIdParts(id: string): { env: string; datastore: string; stamp: string } {
  const parts = parseSnapshotId(id);
  if (!parts) throw new NestorError(ErrorCode.BadInput, `invalid snapshot id "${id}": expected <env>/<datastore>/<UTC time> such as staging/main-db/2026-12-02T03-00-00.000Z`);
  return parts;
}

/** The manifest read at `where`; DatastoreFailed when it is not one Nestor wrote for `id`. */
export function parseManifest(text: string, id: string, where: string): Manifest {
  const manifest = parseJson<Manifest>(text);
  if (!manifest || manifest.id !== id || !KINDS.has(manifest.kind) || typeof manifest.file !== 'string' || manifest.file.includes('/')) {
    throw new NestorError(ErrorCode.DatastoreFailed, `the manifest of snapshot ${id} (${where}) is not one Nestor wrote`);
  }
  return manifest;
}

/** The reset record read at `where`; DatastoreFailed when it is not one Nestor wrote for this datastore. */
export function parseResetRecord(text: string, env: string, datastore: string, where: string): ResetRecord {
  const reset = parseJson<ResetRecord>(text);
  if (reset && reset.env === env && reset.datastore === datastore && parseSnapshotId(reset.snapshot)) return reset;
  throw new NestorError(ErrorCode.DatastoreFailed, `the last reset record of ${datastore} of ${env} (${where}) is not one Nestor wrote`);
}

export function checkRetention(keep: number): void {
  if (!(Number.isInteger(keep) && keep >= 1)) throw new NestorError(ErrorCode.BadInput, `invalid snapshot retention ${keep}: keep at least 1`);
}

export function newestFirst(manifests: readonly (Manifest | undefined)[]): Manifest[] {
  return manifests.filter((m): m is Manifest => m !== undefined).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function infoOf(manifest: Manifest): SnapshotInfo {
  const { file: _file, ...info } = manifest;
  return info;
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
