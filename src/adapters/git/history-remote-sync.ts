// How GitReleaseHistory meets its shared remote: a sync (fetch, then the local commits rebased
// on it) and a publish whose commits, when they cannot be pushed, stay local and are reported as
// HistoryPending.

import { ErrorCode, NestorError } from '../../core/errors.js';
import { releaseDir } from './history-layout.js';
import type { HistoryReader } from './history-reader.js';
import type { WorkClone } from './work-clone.js';

const REASONS = {
  unreachable: 'history repository unreachable',
  rejected: 'push still refused after retries',
  conflict: 'conflicting concurrent change',
} as const;

export interface HistoryRemoteSyncOptions {
  /** Push attempts (each after fetch + rebase) before a write is reported pending. */
  attempts: number;
  /** A write left pending: the push still failed after its attempts (for metrics). */
  onPushFailed?: ((reason: keyof typeof REASONS) => void) | undefined;
  /** A push refused (another writer pushed first), tried again after fetch and rebase (for metrics). */
  onPushRetry?: (() => void) | undefined;
}

export class HistoryRemoteSync {
  private started = 0;
  /** Whether the commits an earlier process left unpushed on this clone were checked (dropRecordedElsewhere). */
  private inheritedChecked = false;

  constructor(
    private readonly clone: WorkClone,
    private readonly reader: HistoryReader,
    private readonly options: HistoryRemoteSyncOptions,
  ) {}

  /** How many syncs have started: a call asked before the latest one began needs none of its own. */
  get fetchesStarted(): number {
    return this.started;
  }

  /** Whether a sync reached the remote once (the commits an earlier process left were checked then). */
  get synced(): boolean {
    return this.inheritedChecked;
  }

  get onPushRetry(): (() => void) | undefined {
    return this.options.onPushRetry;
  }

  /** Brings in other writers' commits; false when the remote could not be reached (reads stay local). */
  async sync(): Promise<boolean> {
    this.started++;
    if (!(await this.clone.fetch()).ok) return false;
    if (!this.inheritedChecked) await this.dropRecordedElsewhere();
    await this.clone.rebaseOnRemote();
    return true;
  }

  /** Pushes the local commits (fetch, rebase and push again when refused); HistoryPending when they stay local. */
  async publishOrPending(): Promise<void> {
    const outcome = await this.clone.publish(this.options.attempts, this.options.onPushRetry);
    if (outcome.ok) return;
    this.options.onPushFailed?.(outcome.reason);
    const pending = await this.clone.aheadCount();
    throw new NestorError(
      ErrorCode.HistoryPending,
      `release history not published yet (${REASONS[outcome.reason]}); kept locally, will retry`,
      { retryable: true, detail: { reason: outcome.reason, git: outcome.detail, pending, commit: (await this.clone.heads()).local } },
    );
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
}
