// ReleaseHistory on a git repository shared by every Nestor process. Each process keeps a
// working clone; a write is a local commit, then fetch → rebase → push (bounded, never forced);
// records asked at once share one git process for their commits and one push (group commit).
// A commit that cannot be pushed stays local and is reported as HistoryPending.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type {
  AppHistoryHead,
  FlushResult,
  HoldEnd,
  Pin,
  PinInput,
  RecordInput,
  RecordResult,
  Release,
  ReleaseHistory,
  ReleaseSummary,
} from '../../core/ports/release-history.js';
import { isSha, quoteForMessage } from '../../core/release/ref.js';
import { encryptManifestSecrets, parseHistoryKey } from '../../core/release/secret-crypto.js';
import {
  checkRecordInput,
  clusterFile,
  HOLD_END_FILE,
  holdEndJson,
  holdEndMessage,
  parseHoldEndJson,
  parsePinJson,
  PIN_FILE,
  pinJson,
  pinMessage,
  releaseDir,
  releaseJson,
  releaseMessage,
} from './history-layout.js';
import { checkName } from './paths.js';
import { systemClock } from '../system/system-clock.js';
import { neverReleased } from './history-batch.js';
import { HistoryBatchWriter } from './history-batch-writer.js';
import { HistoryReader, JOB_LOOKBACK } from './history-reader.js';
import { CloneReadBatches } from './clone-read-batches.js';
import { openGit } from './git-process.js';
import { KnownReleases } from './known-releases.js';
import { HistoryRemoteSync } from './history-remote-sync.js';
import { WorkClone, type WorkCloneOptions } from './work-clone.js';

export interface GitReleaseHistoryOptions extends WorkCloneOptions {
  /** The 32-byte history key in base64 or hex (NESTOR_HISTORY_KEY); without it Secrets are refused. */
  key?: string;
  /** Push attempts (each after fetch + rebase) before a write is reported pending. Default 5. */
  maxPushAttempts?: number;
  /** When pins are made. Default: the system clock. */
  clock?: Clock;
  /** A write left pending: the push still failed after its attempts (for metrics). */
  onPushFailed?: (reason: 'unreachable' | 'rejected' | 'conflict') => void;
  /** A push refused (another writer pushed first), tried again after fetch and rebase (for metrics). */
  onPushRetry?: () => void;
}

export class GitReleaseHistory implements ReleaseHistory {
  private readonly clone: WorkClone;
  private readonly key: Buffer | undefined;
  private readonly clock: Clock;
  private readonly reader: HistoryReader;
  private readonly known: KnownReleases;
  private readonly remote: HistoryRemoteSync;
  private readonly writer: HistoryBatchWriter;
  private readonly headReads: CloneReadBatches<{ env: string; apps: readonly string[] | undefined }, Map<string, AppHistoryHead>>;
  /** Lists of at most JOB_LOOKBACK releases. */
  private readonly listReads: CloneReadBatches<{ dir: string; limit: number }, ReleaseSummary[]>;
  private readonly latestReads: CloneReadBatches<string, Release | undefined>;

  constructor(options: GitReleaseHistoryOptions) {
    this.clone = new WorkClone(options);
    this.key = options.key === undefined ? undefined : parseHistoryKey(options.key);
    this.clock = options.clock ?? systemClock;
    this.reader = new HistoryReader(this.clone.git, this.key, (input) => openGit(this.clone.dir, options, input).raw(['cat-file', '--batch']));
    this.known = new KnownReleases(this.clone, this.reader);
    this.remote = new HistoryRemoteSync(this.clone, this.reader, {
      attempts: options.maxPushAttempts ?? 5, onPushFailed: options.onPushFailed, onPushRetry: options.onPushRetry,
    });
    this.writer = new HistoryBatchWriter(this.clone, this.known, this.reader, this.remote);
    this.headReads = new CloneReadBatches(this.clone, this.remote, (asks) => this.readHeads(asks));
    this.listReads = new CloneReadBatches(this.clone, this.remote, (asks) => this.readLists(asks));
    this.latestReads = new CloneReadBatches(this.clone, this.remote, (dirs) => this.readLatest(dirs));
  }

  /**
   * Records are written in batches (group commit, HistoryBatchWriter): those asked while the
   * clone is busy go together in the next batch, each its own commit, all made by one git process
   * and published by one push. Each caller learns the outcome of its own record; a push that
   * fails reports every record it carried as pending.
   */
  async record(input: RecordInput): Promise<RecordResult> {
    checkRecordInput(input);
    const files = Object.entries(input.manifestsByCluster).map(
      ([cluster, text]) => [clusterFile(cluster), encryptManifestSecrets(text, this.key)] as const,
    );
    return this.writer.write({
      dir: releaseDir(input.app, input.env), files: new Map(files), record: releaseJson(input), message: releaseMessage(input), jobId: input.record.jobId,
    });
  }

  canRecordSecrets(): boolean {
    return this.key !== undefined;
  }

  /**
   * Lists of up to JOB_LOOKBACK releases asked while the clone is busy go together, as reads of
   * heads do: one git log of all their folders (the sync report lists every app of an environment),
   * whose newest releases of each folder are kept (KnownReleases) for the reads that follow.
   */
  async list(app: string, env: string, limit = 20): Promise<ReleaseSummary[]> {
    const dir = releaseDir(app, env);
    if (limit > JOB_LOOKBACK) return this.fresh(async () => (neverReleased(this.clone, dir) ? [] : this.reader.releases(dir, limit)));
    return this.listReads.ask({ dir, limit });
  }

  /** On the clone: every list of a batch from one log of their folders. */
  private async readLists(asks: readonly { dir: string; limit: number }[]): Promise<ReleaseSummary[][]> {
    const newest = await this.known.newestOfEach(asks.map((read) => read.dir), (dir) => neverReleased(this.clone, dir));
    return asks.map((read) => (newest.get(read.dir)?.releases ?? []).slice(0, Math.max(1, Math.floor(read.limit))));
  }

  async get(app: string, env: string, commit?: string): Promise<Release | undefined> {
    const dir = releaseDir(app, env);
    if (commit !== undefined && !isSha(commit)) {
      throw new NestorError(ErrorCode.BadInput, `invalid history commit ${quoteForMessage(commit)}`);
    }
    if (commit === undefined) return this.latestReads.ask(dir);
    return this.fresh(async () => {
      const summary = await this.reader.release(dir, commit);
      return summary && this.reader.read(dir, summary);
    });
  }

  /**
   * On the clone: the latest releases of a batch, their summaries as this process knows them (no
   * git log when a list or a read of heads just read them), their files from two git processes in
   * all (HistoryReader.readMany), else one by one.
   */
  private async readLatest(dirs: readonly string[]): Promise<(Release | undefined)[]> {
    const summaries = await this.known.latestOfEach(dirs, (dir) => neverReleased(this.clone, dir));
    const wanted = [...new Set(dirs)].flatMap((dir) => {
      const summary = summaries.get(dir);
      return summary ? [{ dir, summary }] : [];
    });
    const read = (wanted.length > 1 ? await this.reader.readMany(wanted) : undefined)
      ?? await Promise.all(wanted.map(({ dir, summary }) => this.reader.read(dir, summary)));
    const byDir = new Map(wanted.map(({ dir }, i) => [dir, read[i]!]));
    return dirs.map((dir) => byDir.get(dir));
  }

  async previous(app: string, env: string): Promise<Release | undefined> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      if (neverReleased(this.clone, dir)) return undefined;
      const [, before] = await this.reader.releases(dir, 2);
      return before && this.reader.read(dir, before);
    });
  }

  async pin(app: string, env: string, input: PinInput): Promise<void> {
    const dir = releaseDir(app, env);
    if (!isSha(input.commit)) throw new NestorError(ErrorCode.BadInput, `invalid history commit ${quoteForMessage(input.commit)}`);
    return this.fresh(async () => {
      const release = await this.reader.release(dir, input.commit);
      if (release === undefined) {
        throw new NestorError(ErrorCode.BadInput, `no release ${input.commit} of ${app} in ${env} to pin`);
      }
      const pin: Pin = { ...input, commit: release.commit, at: new Date(this.clock.now()).toISOString() };
      await mkdir(join(this.clone.dir, dir), { recursive: true });
      await writeFile(join(this.clone.dir, dir, PIN_FILE), pinJson(pin));
      if (await this.clone.commit([dir], pinMessage(app, env, pin, input.by))) await this.remote.publishOrPending();
    });
  }

  async unpin(app: string, env: string, by: string, approvedBy?: string): Promise<void> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      const file = join(this.clone.dir, dir, PIN_FILE);
      if (!existsSync(file)) return;
      await rm(file);
      if (await this.clone.commit([dir], pinMessage(app, env, undefined, by, approvedBy))) await this.remote.publishOrPending();
    });
  }

  async getPin(app: string, env: string): Promise<Pin | undefined> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => this.pinIn(dir));
  }

  async endHold(app: string, env: string, end: HoldEnd): Promise<void> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      await mkdir(join(this.clone.dir, dir), { recursive: true });
      await writeFile(join(this.clone.dir, dir, HOLD_END_FILE), holdEndJson(end));
      if (await this.clone.commit([dir], holdEndMessage(app, env, end))) await this.remote.publishOrPending();
    });
  }

  /**
   * One git process for the latest releases (two when some app was last released long ago); pins
   * and hold ends from the work tree. Reads asked while the clone is busy go together in the next
   * one (a fleet release of 130 apps, each asking for its own head, costs a few git processes,
   * not 130 one after the other on the clone).
   */
  async headsOf(env: string, apps?: readonly string[]): Promise<Map<string, AppHistoryHead>> {
    checkName('environment', env);
    apps?.forEach((app) => releaseDir(app, env));
    return this.headReads.ask({ env, apps });
  }

  /** On the clone: every read of heads of a batch from one read of the history. */
  private async readHeads(batch: readonly { env: string; apps: readonly string[] | undefined }[]): Promise<Map<string, AppHistoryHead>[]> {
    const names = await Promise.all(batch.map((read) => read.apps ?? this.appsIn(read.env)));
    const dirs = [...new Set(batch.flatMap((read, i) => names[i]!.map((app) => releaseDir(app, read.env))))];
    const latest = await this.known.latestOfEach(dirs, (dir) => neverReleased(this.clone, dir));
    const heads = new Map(await Promise.all(dirs.map(async (dir): Promise<[string, AppHistoryHead]> => {
      const [pin, holdEnded] = await Promise.all([this.pinIn(dir), this.holdEndIn(dir)]);
      const release = latest.get(dir);
      return [dir, { ...(release ? { latest: release } : {}), ...(pin ? { pin } : {}), ...(holdEnded ? { holdEnded } : {}) }];
    })));
    return batch.map((read, i) => new Map(names[i]!.map((app) => [app, heads.get(releaseDir(app, read.env)) ?? {}])));
  }

  /** Releases recorded in the local clone and not yet published (a read, not waiting for the clone). */
  async pendingCount(): Promise<number> {
    return this.clone.aheadCount();
  }

  async flushPending(): Promise<FlushResult> {
    return this.clone.exclusive(async () => {
      await this.remote.sync();
      const before = await this.clone.aheadCount();
      if (before === 0) return { pushed: 0, pending: 0 };
      await this.remote.publishOrPending();
      return { pushed: before, pending: 0 };
    });
  }

  /**
   * Runs `fn` alone on the clone, after a fetch that started after this call was made. Calls
   * queued behind one another share it: a fetch begun after a caller asked is as fresh as one
   * of its own, so a burst of reads (a 130-app release) costs one fetch, not 130.
   */
  private fresh<T>(fn: () => Promise<T>): Promise<T> {
    const seen = this.remote.fetchesStarted;
    return this.clone.exclusive(async () => {
      if (this.remote.fetchesStarted === seen) await this.remote.sync();
      return fn();
    });
  }

  private async pinIn(dir: string): Promise<Pin | undefined> {
    const file = join(this.clone.dir, dir, PIN_FILE);
    return existsSync(file) ? parsePinJson(await readFile(file, 'utf8')) : undefined;
  }

  private async holdEndIn(dir: string): Promise<HoldEnd | undefined> {
    const file = join(this.clone.dir, dir, HOLD_END_FILE);
    return existsSync(file) ? parseHoldEndJson(await readFile(file, 'utf8')) : undefined;
  }

  /** The apps with a folder in the environment's folder of the work tree (released or pinned once). */
  private async appsIn(env: string): Promise<string[]> {
    const entries = await readdir(join(this.clone.dir, env), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }
}
