// Port: the datastores of an environment (a PostgreSQL database, a Redis database, or a store
// only a Kubernetes Job can reach), each behind a driver of its kind, and the store that keeps
// their snapshots. A reset is a snapshot of the source environment restored into the target.
//
// Passwords travel as SecretText, which prints and serialises as `[secret]`: a target can be
// logged or put in an error's detail without leaking one. Drivers hand a password to their
// child processes through the environment (PGPASSWORD), never argv or a file.
import { ErrorCode, NestorError } from '../errors.js';
import type { JobRequest } from '../render/render-job.js';

export const DatastoreKind = { PostgreSQL: 'postgresql', Redis: 'redis', KubernetesJob: 'kubernetes-job' } as const;
export type DatastoreKind = (typeof DatastoreKind)[keyof typeof DatastoreKind];

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A password or token: only `reveal()` gives the value; JSON, String() and util.inspect show `[secret]`. */
export class SecretText {
  readonly #value: string;

  private constructor(value: string) {
    this.#value = value;
  }

  static of(value: string): SecretText {
    return new SecretText(value);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [INSPECT](): string {
    return '[secret]';
  }
}

/**
 * `postgresql://<user>@<host>:<port>/<database>` (a `host` query parameter may name a unix
 * socket folder). The URL never holds the password: a password in it is refused (BadInput).
 */
export interface PostgresConnection {
  url: string;
  password?: SecretText;
}

/**
 * A connection URL as a setting or Secret gives it (`postgresql://app:pw@db:5432/main`), split
 * into the URL without its password and the password as SecretText. The URL must parse; the
 * message of a bad one never repeats it (it may hold the password).
 */
export function connectionOf(url: string): { url: string; password?: SecretText } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NestorError(ErrorCode.BadInput, 'a datastore connection is not a URL (scheme://user@host:port/name)');
  }
  if (parsed.password === '') return { url: parsed.href };
  const password = SecretText.of(decodeURIComponent(parsed.password));
  parsed.password = '';
  return { url: parsed.href, password };
}

/** `redis://[<user>@]<host>:<port>[/<db index>]` (db 0 by default), the password apart as for PostgreSQL. */
export interface RedisConnection {
  url: string;
  password?: SecretText;
}

/**
 * A store Nestor cannot reach: a Job rendered from `job.yaml` as one of the app's one-off tasks
 * (it reads the app's ConfigMap and Secret, so it finds its store's credentials there) runs
 * `snapshotCommand` or `restoreCommand` in `image`. The Job is told which snapshot through its
 * environment: NESTOR_DATASTORE, NESTOR_ENV, NESTOR_SNAPSHOT (the snapshot id) and
 * NESTOR_ACTION (`snapshot` or `restore`); it keeps the data where it can reach it (an object
 * store, a volume), and Nestor's snapshot file is a reference to that run. A restore that fails
 * midway must leave the store as it was: that is the command's promise, not Nestor's.
 */
export interface KubernetesJobConnection {
  /** Everything renderJob needs but the task, command and run id (the app, its merged config, templates). */
  job: Omit<JobRequest, 'task' | 'command' | 'runId'>;
  image: string;
  snapshotCommand: string;
  restoreCommand: string;
  /** Seconds before the Job is stopped; default 3600. */
  deadlineSeconds?: number;
}

interface TargetOf<K extends DatastoreKind, C> {
  /** The environment the datastore belongs to (where a snapshot is taken, or which a reset rewrites). */
  env: string;
  /** The datastore's name in config, a DNS label. */
  name: string;
  kind: K;
  /** Resolved at run time (a setting or a Kubernetes Secret); never in job data or the history repo. */
  connection: C;
}

export type PostgresTarget = TargetOf<'postgresql', PostgresConnection>;
export type RedisTarget = TargetOf<'redis', RedisConnection>;
export type KubernetesJobTarget = TargetOf<'kubernetes-job', KubernetesJobConnection>;
export type DatastoreTarget = PostgresTarget | RedisTarget | KubernetesJobTarget;

export interface DriverRunOptions {
  /** Aborting stops the child processes (or deletes the Job); a stopped restore leaves the target as it was. */
  signal?: AbortSignal;
  /** The snapshot written or read, for drivers that hand it on (the Kubernetes Job's NESTOR_SNAPSHOT). */
  snapshotId: string;
  /** A DNS-label-safe id of this run (the queue job id): names temporary databases and Jobs. */
  runId: string;
}

/**
 * One kind of datastore. Errors: BadInput when the target's connection is malformed (a password
 * in a URL, an unknown scheme); DatastoreFailed, retryable when the store was unreachable, for
 * a failed dump or restore, naming the datastore and environment and never a password.
 */
export interface DatastoreDriver {
  readonly kind: DatastoreKind;
  /** The file extension of its snapshots, without the dot: `pgdump`, `redisdump`, `jobref.json`. */
  readonly extension: string;
  /** Bytes the datastore holds now; undefined when the driver cannot tell (a Kubernetes Job). */
  size(target: DatastoreTarget, options?: { signal?: AbortSignal }): Promise<number | undefined>;
  /** Writes a snapshot of `target` into the file at `file` (created by the driver). */
  snapshot(target: DatastoreTarget, file: string, options: DriverRunOptions): Promise<void>;
  /**
   * Replaces the whole content of `target` with the snapshot in `file`. Atomic: a failure, an
   * abort or a kill of the process midway leaves the target as it was.
   */
  restore(target: DatastoreTarget, file: string, options: DriverRunOptions): Promise<void>;
}

/** One driver per kind, as the composition roots build them. */
export type DatastoreDrivers = Readonly<Record<DatastoreKind, DatastoreDriver>>;

/** A kept snapshot, as its manifest (`<id>.meta.json`) describes it. */
export interface SnapshotInfo {
  /** `<env>/<datastore>/<UTC time>`, e.g. `staging/main-db/2026-12-02T03-00-00.000Z`. */
  id: string;
  /** The environment it was taken in (the reset's source). */
  env: string;
  datastore: string;
  kind: DatastoreKind;
  /** ISO-8601 time the snapshot was started. */
  createdAt: string;
  /** Size of the snapshot file. */
  bytes: number;
  /** The job that took it, when one did. */
  jobId?: string;
}

export interface NewSnapshot {
  env: string;
  datastore: string;
  kind: DatastoreKind;
  /** The driver's extension. */
  extension: string;
  jobId?: string;
}

/**
 * Where snapshots are kept: a folder (`<root>/<env>/<datastore>/<UTC time>.<ext>` plus a
 * `.meta.json` manifest beside it), or an S3 bucket laid out alike.
 * Errors: BadInput for a malformed id or name; DatastoreFailed for an id that names no snapshot.
 */
export interface SnapshotStore {
  /**
   * Lets `write` fill a new file (its path given, absent until written), then keeps it. The
   * snapshot is listed only once `write` has resolved; on failure nothing is kept.
   */
  put(snapshot: NewSnapshot, write: (file: string, id: string) => Promise<void>): Promise<SnapshotInfo>;
  /** The snapshots of a datastore of an environment, newest first. */
  list(env: string, datastore: string): Promise<SnapshotInfo[]>;
  /** The snapshot with this id; undefined when there is none. */
  get(id: string): Promise<SnapshotInfo | undefined>;
  /** Hands `read` a local file holding the snapshot's content for the duration of the call. */
  read<T>(id: string, read: (file: string, info: SnapshotInfo) => Promise<T>): Promise<T>;
  /** Deletes all but the newest `keep` snapshots of a datastore; returns those deleted. */
  prune(env: string, datastore: string, keep: number): Promise<SnapshotInfo[]>;
  /** Keeps `reset` as the last reset of its datastore (the one before is replaced). */
  recordReset(reset: ResetRecord): Promise<void>;
  /** The last reset of a datastore of an environment, kept by recordReset; undefined when none. */
  lastReset(env: string, datastore: string): Promise<ResetRecord | undefined>;
}

/** A reset that completed: which snapshot the datastore now holds, when and by which job. */
export interface ResetRecord {
  env: string;
  datastore: string;
  /** The snapshot restored. */
  snapshot: string;
  /** ISO-8601 time the reset ended. */
  at: string;
  durationMs: number;
  jobId?: string;
}

const SNAPSHOT_ID = /^([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\/([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\/(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)$/;

/** The parts of a snapshot id; undefined when `id` is not one (so never a path out of the store). */
export function parseSnapshotId(id: string): { env: string; datastore: string; stamp: string } | undefined {
  const match = SNAPSHOT_ID.exec(id);
  return match ? { env: match[1]!, datastore: match[2]!, stamp: match[3]! } : undefined;
}

/** The snapshot id of a UTC time: `<env>/<datastore>/2026-12-02T03-00-00.000Z` (no colons: a file name). */
export function snapshotId(env: string, datastore: string, at: Date): string {
  return `${env}/${datastore}/${at.toISOString().replaceAll(':', '-')}`;
}
