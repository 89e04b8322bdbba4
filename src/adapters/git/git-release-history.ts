// ReleaseHistory on a git repository shared by every Nestor process. Each process keeps a
// working clone; a write is a local commit, then fetch → rebase → push (bounded, never forced).
// A commit that cannot be pushed stays local and is reported as HistoryPending.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type {
  FlushResult,
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
  parsePinJson,
  PIN_FILE,
  pinJson,
  pinMessage,
  RELEASE_FILE,
  releaseDir,
  releaseJson,
  releaseMessage,
} from './history-layout.js';
import { systemClock } from '../system/system-clock.js';
import { HistoryReader } from './history-reader.js';
import { WorkClone, type PushOutcome, type WorkCloneOptions } from './work-clone.js';

const REASONS = {
  unreachable: 'history repository unreachable',
  rejected: 'push still refused after retries',
  conflict: 'conflicting concurrent change',
} as const;

export interface GitReleaseHistoryOptions extends WorkCloneOptions {
  /** The 32-byte history key in base64 or hex (NESTOR_HISTORY_KEY); without it Secrets are refused. */
  key?: string;
  /** Push attempts (each after fetch + rebase) before a write is reported pending. Default 5. */
  maxPushAttempts?: number;
  /** When pins are made. Default: the system clock. */
  clock?: Clock;
}

export class GitReleaseHistory implements ReleaseHistory {
  private readonly clone: WorkClone;
  private readonly key: Buffer | undefined;
  private readonly attempts: number;
  private readonly clock: Clock;
  private readonly reader: HistoryReader;
  private fetchesStarted = 0;
  /** Whether the commits an earlier process left unpushed on this clone were checked (dropRecordedElsewhere). */
  private inheritedChecked = false;
  /** The shared push queued and not yet started, that a new local commit can join. */
  private nextPublish: Promise<void> | undefined;

  constructor(options: GitReleaseHistoryOptions) {
    this.clone = new WorkClone(options);
    this.key = options.key === undefined ? undefined : parseHistoryKey(options.key);
    this.attempts = options.maxPushAttempts ?? 5;
    this.clock = options.clock ?? systemClock;
    this.reader = new HistoryReader(this.clone.git, this.key);
  }

  async record(input: RecordInput): Promise<RecordResult> {
    checkRecordInput(input);
    const dir = releaseDir(input.app, input.env);
    const files = Object.entries(input.manifestsByCluster).map(
      ([cluster, text]) => [clusterFile(cluster), encryptManifestSecrets(text, this.key)] as const,
    );
    const jobId = input.record.jobId;
    const local = await this.fresh(async (): Promise<RecordResult | 'committed'> => {
      const existing = jobId === undefined || this.neverReleased(dir) ? undefined : await this.reader.findJob(dir, jobId);
      if (existing !== undefined) return { commit: await this.publishJob(dir, jobId ?? ''), created: false };
      await this.writeRelease(dir, new Map(files), releaseJson(input));
      if (!(await this.clone.commit([dir], releaseMessage(input)))) {
        const latest = await this.reader.releases(dir, 1);
        return { commit: latest[0]?.commit ?? '', created: false };
      }
      if (jobId !== undefined) return 'committed';
      await this.publishOrPending();
      return { commit: (await this.clone.heads()).local ?? '', created: true };
    });
    if (local !== 'committed' || jobId === undefined) return local as RecordResult;
    // Found by its job id: the shared publish may have rebased it, and pushed others' commits too.
    await this.publishShared();
    return { commit: await this.clone.exclusive(async () => (await this.reader.findJob(dir, jobId)) ?? ''), created: true };
  }

  canRecordSecrets(): boolean {
    return this.key !== undefined;
  }

  async list(app: string, env: string, limit = 20): Promise<ReleaseSummary[]> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => (this.neverReleased(dir) ? [] : this.reader.releases(dir, limit)));
  }

  async get(app: string, env: string, commit?: string): Promise<Release | undefined> {
    const dir = releaseDir(app, env);
    if (commit !== undefined && !isSha(commit)) {
      throw new NestorError(ErrorCode.BadInput, `invalid history commit ${quoteForMessage(commit)}`);
    }
    return this.fresh(async () => {
      if (commit === undefined && this.neverReleased(dir)) return undefined;
      const summary = await this.reader.release(dir, commit);
      return summary && this.reader.read(dir, summary);
    });
  }

  async previous(app: string, env: string): Promise<Release | undefined> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      if (this.neverReleased(dir)) return undefined;
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
      if (await this.clone.commit([dir], pinMessage(app, env, pin, input.by))) await this.publishOrPending();
    });
  }

  async unpin(app: string, env: string, by: string, approvedBy?: string): Promise<void> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      const file = join(this.clone.dir, dir, PIN_FILE);
      if (!existsSync(file)) return;
      await rm(file);
      if (await this.clone.commit([dir], pinMessage(app, env, undefined, by, approvedBy))) await this.publishOrPending();
    });
  }

  async getPin(app: string, env: string): Promise<Pin | undefined> {
    const dir = releaseDir(app, env);
    return this.fresh(async () => {
      const file = join(this.clone.dir, dir, PIN_FILE);
      return existsSync(file) ? parsePinJson(await readFile(file, 'utf8')) : undefined;
    });
  }

  async flushPending(): Promise<FlushResult> {
    return this.clone.exclusive(async () => {
      await this.sync();
      const before = await this.clone.aheadCount();
      if (before === 0) return { pushed: 0, pending: 0 };
      await this.publishOrPending();
      return { pushed: before, pending: 0 };
    });
  }

  /**
   * Runs `fn` alone on the clone, after a fetch that started after this call was made. Calls
   * queued behind one another share it: a fetch begun after a caller asked is as fresh as one
   * of its own, so a burst of reads (a 130-app release) costs one fetch, not 130.
   */
  private fresh<T>(fn: () => Promise<T>): Promise<T> {
    const seen = this.fetchesStarted;
    return this.clone.exclusive(async () => {
      if (this.fetchesStarted === seen) await this.sync();
      return fn();
    });
  }

  /** Brings in other writers' commits; tolerates an unreachable remote (reads stay local). */
  private async sync(): Promise<void> {
    this.fetchesStarted++;
    if (!(await this.clone.fetch()).ok) return;
    if (!this.inheritedChecked) await this.dropRecordedElsewhere();
    await this.clone.rebaseOnRemote();
  }

  /**
   * Local commits left by an earlier process on this clone, whose job another writer recorded
   * since (that process died after committing and before pushing, and the job ran again
   * elsewhere), are dropped: one commit per job. Checked once, at the first sync that reaches the
   * remote: this process's own unpushed commits are of jobs that ended here.
   */
  private async dropRecordedElsewhere(): Promise<void> {
    this.inheritedChecked = true;
    const mine = await this.clone.localCommits();
    if (mine.length === 0) return;
    const remote = `refs/remotes/origin/${this.clone.branch}`;
    const dropped = new Set<string>();
    for (const commit of mine) {
      const release = await this.reader.summaryOf(commit);
      if (release?.jobId === undefined) continue;
      if ((await this.reader.findJob(releaseDir(release.app, release.env), release.jobId, remote)) !== undefined) dropped.add(commit);
    }
    if (dropped.size > 0) await this.clone.replayOnRemote(mine.filter((c) => !dropped.has(c)));
  }

  /** The job's commit after publishing it (a rebase may have changed its id). */
  private async publishJob(dir: string, jobId: string): Promise<string> {
    if ((await this.clone.aheadCount()) > 0) await this.publishOrPending();
    return (await this.reader.findJob(dir, jobId)) ?? '';
  }

  /**
   * Publishes the local commits in a push that starts after this call (group commit): records
   * committed while a push is queued share it, so a burst of releases costs a few pushes, not
   * one each. A push that fails reports every record that shared it as pending.
   */
  private publishShared(): Promise<void> {
    if (this.nextPublish) return this.nextPublish;
    const run: Promise<void> = this.clone.exclusive(async () => {
      if (this.nextPublish === run) this.nextPublish = undefined;
      if ((await this.clone.aheadCount()) > 0) await this.publishOrPending();
    });
    this.nextPublish = run;
    return run;
  }

  private async publishOrPending(): Promise<void> {
    const outcome: PushOutcome = await this.clone.publish(this.attempts);
    if (outcome.ok) return;
    const pending = await this.clone.aheadCount();
    throw new NestorError(
      ErrorCode.HistoryPending,
      `release history not published yet (${REASONS[outcome.reason]}); kept locally, will retry`,
      { retryable: true, detail: { reason: outcome.reason, git: outcome.detail, pending, commit: (await this.clone.heads()).local } },
    );
  }

  /**
   * True when the clone (as synced) has no release of `dir`: release.json is never removed once
   * written. Saves a git log that would print nothing (simple-git waits 50 ms on those).
   */
  private neverReleased(dir: string): boolean {
    return !existsSync(join(this.clone.dir, dir, RELEASE_FILE));
  }

  /** Writes the cluster files and release.json, removing clusters no longer present. */
  private async writeRelease(dir: string, files: Map<string, string>, record: string): Promise<void> {
    const abs = join(this.clone.dir, dir);
    await mkdir(abs, { recursive: true });
    for (const name of await readdir(abs)) {
      if (name.endsWith('.yaml') && !files.has(name)) await rm(join(abs, name));
    }
    for (const [name, text] of files) await writeFile(join(abs, name), text);
    await writeFile(join(abs, RELEASE_FILE), record);
  }
}
