// In-memory ReleaseHistory with the same layout, messages and encryption as the git adapter.
// Instances sharing a FakeHistoryRemote behave like processes sharing one history remote;
// `remote.reachable = false` makes writes pending until `flushPending`.

import { createHash } from 'node:crypto';
import { systemClock } from '../../../adapters/system/system-clock.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { Clock } from '../../../core/ports/clock.js';
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
} from '../../../core/ports/release-history.js';
import { isSha, quoteForMessage } from '../../../core/release/ref.js';
import {
  decryptManifestSecrets,
  encryptManifestSecrets,
  hasEncryptedSecrets,
  parseHistoryKey,
} from '../../../core/release/secret-crypto.js';
import * as layout from '../../../adapters/git/history-layout.js';
import { FolderTree } from './folder-tree.js';

type Tree = FolderTree;

export interface FakeHistoryCommit {
  id: string;
  message: string;
  tree: Tree;
}

export class FakeHistoryRemote {
  private readonly published: FakeHistoryCommit[] = [];
  /** By release folder, the positions in `commits` of the commits that changed its release file. */
  private readonly releasesByDir = new Map<string, number[]>();
  reachable = true;

  get commits(): readonly FakeHistoryCommit[] {
    return this.published;
  }

  push(commit: FakeHistoryCommit): void {
    const before = this.published[this.published.length - 1]?.tree;
    for (const dir of commit.tree.changedFolders()) {
      const path = `${dir}/${layout.RELEASE_FILE}`;
      const text = commit.tree.get(path);
      if (text === undefined || text === before?.get(path)) continue;
      const at = this.releasesByDir.get(dir) ?? [];
      at.push(this.published.length);
      this.releasesByDir.set(dir, at);
    }
    this.published.push(commit);
  }

  /** The commits that changed `dir`'s release file, oldest first. */
  releaseCommits(dir: string): FakeHistoryCommit[] {
    return (this.releasesByDir.get(dir) ?? []).map((i) => this.published[i] as FakeHistoryCommit);
  }
}

interface PendingCommit {
  id: string;
  message: string;
  change: (tree: Tree) => void;
}

export interface FakeReleaseHistoryOptions {
  remote?: FakeHistoryRemote;
  key?: string;
  /** When pins are made. Default: the system clock. */
  clock?: Clock;
}

export class FakeReleaseHistory implements ReleaseHistory {
  readonly remote: FakeHistoryRemote;
  private readonly key: Buffer | undefined;
  private readonly clock: Clock;
  private pending: PendingCommit[] = [];
  /** Unpublished commits this instance was restarted with (see restarted()). */
  private inherited = new Set<string>();
  private readonly keyText: string | undefined;
  private counter = 0;

  constructor(options: FakeReleaseHistoryOptions = {}) {
    this.remote = options.remote ?? new FakeHistoryRemote();
    this.keyText = options.key;
    this.key = options.key === undefined ? undefined : parseHistoryKey(options.key);
    this.clock = options.clock ?? systemClock;
  }

  async record(input: RecordInput): Promise<RecordResult> {
    layout.checkRecordInput(input);
    const dir = layout.releaseDir(input.app, input.env);
    const files = new Map(
      Object.entries(input.manifestsByCluster).map(([c, text]) => [layout.clusterFile(c), encryptManifestSecrets(text, this.key)]),
    );
    const jobId = input.record.jobId;
    const existing = this.releases(dir).find((r) => jobId !== undefined && r.jobId === jobId);
    if (existing !== undefined) {
      this.publish();
      return { commit: existing.commit, created: false };
    }
    const change = (tree: Tree): void => {
      for (const name of [...tree.folder(dir).keys()]) {
        if (isClusterFile(dir, `${dir}/${name}`) && !files.has(name)) tree.delete(`${dir}/${name}`);
      }
      for (const [name, text] of files) tree.set(`${dir}/${name}`, text);
      tree.set(`${dir}/${layout.RELEASE_FILE}`, layout.releaseJson(input));
    };
    if (!this.commitChange(layout.releaseMessage(input), change)) {
      return { commit: this.releases(dir)[0]?.commit ?? '', created: false };
    }
    const id = this.pending[this.pending.length - 1]?.id ?? '';
    this.publish();
    return { commit: id, created: true };
  }

  canRecordSecrets(): boolean {
    return this.key !== undefined;
  }

  async list(app: string, env: string, limit = 20): Promise<ReleaseSummary[]> {
    return this.releases(layout.releaseDir(app, env)).slice(0, limit);
  }

  async get(app: string, env: string, commit?: string): Promise<Release | undefined> {
    const dir = layout.releaseDir(app, env);
    if (commit !== undefined && !isSha(commit)) {
      throw new NestorError(ErrorCode.BadInput, `invalid history commit ${quoteForMessage(commit)}`);
    }
    const summary = this.releases(dir).find((r) => commit === undefined || r.commit.startsWith(commit));
    return summary && this.read(dir, summary);
  }

  async previous(app: string, env: string): Promise<Release | undefined> {
    const dir = layout.releaseDir(app, env);
    const before = this.releases(dir)[1];
    return before && this.read(dir, before);
  }

  async pin(app: string, env: string, input: PinInput): Promise<void> {
    const dir = layout.releaseDir(app, env);
    if (!isSha(input.commit)) throw new NestorError(ErrorCode.BadInput, `invalid history commit ${quoteForMessage(input.commit)}`);
    const release = this.releases(dir).find((r) => r.commit.startsWith(input.commit));
    if (release === undefined) throw new NestorError(ErrorCode.BadInput, `no release ${input.commit} of ${app} in ${env} to pin`);
    const pin: Pin = { ...input, commit: release.commit, at: new Date(this.clock.now()).toISOString() };
    this.commitChange(layout.pinMessage(app, env, pin, input.by), (tree) => tree.set(`${dir}/${layout.PIN_FILE}`, layout.pinJson(pin)));
    this.publish();
  }

  async unpin(app: string, env: string, by: string, approvedBy?: string): Promise<void> {
    const dir = layout.releaseDir(app, env);
    if (this.commitChange(layout.pinMessage(app, env, undefined, by, approvedBy), (tree) => tree.delete(`${dir}/${layout.PIN_FILE}`))) {
      this.publish();
    }
  }

  async getPin(app: string, env: string): Promise<Pin | undefined> {
    const text = this.latestTree().get(`${layout.releaseDir(app, env)}/${layout.PIN_FILE}`);
    return text === undefined ? undefined : layout.parsePinJson(text);
  }

  async endHold(app: string, env: string, end: HoldEnd): Promise<void> {
    const dir = layout.releaseDir(app, env);
    this.commitChange(layout.holdEndMessage(app, env, end), (tree) => tree.set(`${dir}/${layout.HOLD_END_FILE}`, layout.holdEndJson(end)));
    this.publish();
  }

  async headsOf(env: string, apps?: readonly string[]): Promise<Map<string, AppHistoryHead>> {
    layout.releaseDir('app', env);
    const names = apps ?? [...new Set([...this.latestTree().keys()].flatMap((path) => {
      const [first, app] = path.split('/');
      return first === env && app !== undefined ? [app] : [];
    }))].sort();
    const heads = new Map<string, AppHistoryHead>();
    for (const app of names) {
      const [latest] = await this.list(app, env, 1);
      const pin = await this.getPin(app, env);
      const holdEnd = this.latestTree().get(`${layout.releaseDir(app, env)}/${layout.HOLD_END_FILE}`);
      heads.set(app, { ...(latest ? { latest } : {}), ...(pin ? { pin } : {}), ...(holdEnd === undefined ? {} : { holdEnded: layout.parseHoldEndJson(holdEnd) }) });
    }
    return heads;
  }

  async flushPending(): Promise<FlushResult> {
    this.dropRecordedElsewhere();
    const pushed = this.pending.length;
    this.publish();
    return { pushed, pending: 0 };
  }

  /** This writer after a restart on the same clone: its unpublished commits kept, nothing else. */
  restarted(): FakeReleaseHistory {
    const next = new FakeReleaseHistory({ remote: this.remote, ...(this.keyText === undefined ? {} : { key: this.keyText }), clock: this.clock });
    next.pending = [...this.pending];
    next.inherited = new Set(this.pending.map((p) => p.id));
    return next;
  }

  /**
   * As the git adapter does at its first sync: a commit inherited from before a restart, whose
   * job another writer recorded since, is dropped.
   */
  private dropRecordedElsewhere(): void {
    if (!this.remote.reachable || this.inherited.size === 0) return;
    const recorded = new Set(this.remote.commits.flatMap((c) => {
      const s = layout.summaryFromMessage(c.id, c.message);
      return s?.jobId === undefined ? [] : [`${s.app}/${s.env}/${s.jobId}`];
    }));
    this.pending = this.pending.filter((p) => {
      const s = layout.summaryFromMessage(p.id, p.message);
      return !this.inherited.has(p.id) || s?.jobId === undefined || !recorded.has(`${s.app}/${s.env}/${s.jobId}`);
    });
    this.inherited.clear();
  }

  /** The remote's commits followed by this instance's unpublished ones, oldest first. */
  private view(): readonly FakeHistoryCommit[] {
    this.dropRecordedElsewhere();
    if (this.pending.length === 0) return this.remote.commits;
    const commits = [...this.remote.commits];
    for (const p of this.pending) commits.push(applyChange(commits[commits.length - 1]?.tree, p));
    return commits;
  }

  private latestTree(): Tree {
    const commits = this.view();
    return commits[commits.length - 1]?.tree ?? new FolderTree();
  }

  /** Queues a local commit; false (nothing queued) when the change changes nothing. */
  private commitChange(message: string, change: (tree: Tree) => void): boolean {
    const before = this.latestTree();
    const after = before.fork();
    change(after);
    if (after.sameAs(before)) return false;
    this.counter += 1;
    const id = createHash('sha1').update(`${message}\0${this.counter}\0${Math.random()}`).digest('hex');
    this.pending.push({ id, message, change });
    return true;
  }

  private publish(): void {
    this.dropRecordedElsewhere();
    if (this.pending.length === 0) return;
    if (!this.remote.reachable) {
      throw new NestorError(ErrorCode.HistoryPending, 'release history not published yet (history repository unreachable); kept locally, will retry', {
        retryable: true,
        detail: { reason: 'unreachable', pending: this.pending.length },
      });
    }
    for (const p of this.pending) this.remote.push(applyChange(this.remote.commits[this.remote.commits.length - 1]?.tree, p));
    this.pending = [];
  }

  /** Newest first: the remote's, by its index, then this instance's unpublished ones. */
  private releases(dir: string): ReleaseSummary[] {
    const path = `${dir}/${layout.RELEASE_FILE}`;
    const commits = this.view();
    const published = this.remote.commits.length;
    const unpublished = commits.slice(published).filter((c, i) => c.tree.get(path) !== undefined && c.tree.get(path) !== commits[published + i - 1]?.tree.get(path));
    return [...this.remote.releaseCommits(dir), ...unpublished]
      .map((c) => layout.summaryFromMessage(c.id, c.message))
      .filter((s): s is ReleaseSummary => s !== undefined)
      .reverse();
  }

  private read(dir: string, summary: ReleaseSummary): Release {
    const published = this.remote.releaseCommits(dir).find((c) => c.id === summary.commit);
    const tree = (published ?? this.view().find((c) => c.id === summary.commit))?.tree ?? new FolderTree();
    const manifestsByCluster: Record<string, string> = {};
    let secretsEncrypted = false;
    for (const [name, stored] of tree.folder(dir)) {
      if (!isClusterFile(dir, `${dir}/${name}`)) continue;
      const text = this.key === undefined ? stored : decryptManifestSecrets(stored, this.key);
      secretsEncrypted ||= hasEncryptedSecrets(text);
      manifestsByCluster[name.slice(0, -'.yaml'.length)] = text;
    }
    const record = layout.parseReleaseJson(tree.get(`${dir}/${layout.RELEASE_FILE}`) ?? '{}');
    return { ...summary, record, manifestsByCluster, secretsEncrypted };
  }
}

function applyChange(base: Tree | undefined, p: PendingCommit): FakeHistoryCommit {
  const tree = base?.fork() ?? new FolderTree();
  p.change(tree);
  return { id: p.id, message: p.message, tree };
}

function isClusterFile(dir: string, path: string): boolean {
  return path.startsWith(`${dir}/`) && path.endsWith('.yaml') && !path.slice(dir.length + 1).includes('/');
}
