// The group commit of GitReleaseHistory.record: records asked while the clone is busy go together
// in the next batch, staged in the work tree (history-batch.ts), committed by one git process and
// published by one push; each caller learns the outcome of its own record.

import type { RecordResult } from '../../core/ports/release-history.js';
import { stageRecords, type Plan, type QueuedRecord } from './history-batch.js';
import type { HistoryReader } from './history-reader.js';
import type { HistoryRemoteSync } from './history-remote-sync.js';
import type { KnownReleases } from './known-releases.js';
import type { WorkClone } from './work-clone.js';

type Outcome = RecordResult | { error: unknown };

/** A record before it is queued: what it writes and commits. */
export type RecordToWrite = Omit<QueuedRecord, 'seen' | 'resolve' | 'reject'>;

export class HistoryBatchWriter {
  /** Records asked for and not yet in a batch. */
  private queued: QueuedRecord[] = [];
  /** The batch queued on the clone and not yet started, that a new record joins. */
  private nextBatch: Promise<void> | undefined;

  constructor(
    private readonly clone: WorkClone,
    private readonly known: KnownReleases,
    private readonly reader: HistoryReader,
    private readonly remote: HistoryRemoteSync,
  ) {}

  /** Queues `record` for the next batch; settles with its own outcome. */
  write(record: RecordToWrite): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ ...record, seen: this.remote.fetchesStarted, resolve, reject });
      this.nextBatch ??= this.clone.exclusive(() => this.recordQueued()).catch((error: unknown) => this.settleQueued(error));
    });
  }

  /** Runs on the clone: takes every queued record and settles each. */
  private async recordQueued(): Promise<void> {
    this.nextBatch = undefined;
    const batch = this.queued.splice(0);
    try {
      const outcomes = await this.writeBatch(batch);
      batch.forEach((entry, i) => {
        const outcome = outcomes[i];
        if (outcome && 'commit' in outcome) entry.resolve(outcome);
        else entry.reject(outcome?.error);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  /** The clone could not be opened: every queued record fails with its error. */
  private settleQueued(error: unknown): void {
    this.nextBatch = undefined;
    for (const entry of this.queued.splice(0)) entry.reject(error);
  }

  /** Commits the batch's records in order after a fresh enough fetch, publishes them, and tells each its outcome. */
  private async writeBatch(batch: readonly QueuedRecord[]): Promise<Outcome[]> {
    const withoutFetch = await this.writeWithoutFetch(batch);
    if (Array.isArray(withoutFetch)) return withoutFetch;
    // A fetch begun after the latest record was asked is as fresh as one of its own. A push
    // refused above is tried again after it, as publish does: counted once the remote answered.
    if (withoutFetch === 'refused' || batch.some((entry) => entry.seen === this.remote.fetchesStarted)) {
      if ((await this.remote.sync()) && withoutFetch === 'refused') this.remote.onPushRetry?.();
    }
    const { plans, commits } = await stageRecords(this.clone, this.known, batch);
    const rewrites = this.clone.rewrites;
    let failure: { error: unknown } | undefined;
    if (commits.length > 0 || (plans.some((p) => p.kind === 'recorded') && (await this.clone.aheadCount()) > 0)) {
      await this.remote.publishOrPending().catch((error: unknown) => {
        failure = { error };
      });
    }
    // A rebase while publishing gave the commits new ids: they are still the newest, in order.
    const ids = this.clone.rewrites === rewrites ? commits
      : (await this.clone.git.raw(['rev-list', '--reverse', `--max-count=${commits.length}`, 'HEAD', '--'])).split('\n').filter(Boolean);
    return this.outcomesOf(batch, plans, ids, failure);
  }

  /**
   * The batch written with no fetch first, when this clone holds nothing unpublished and has
   * synced once: its push, never forced, lands only if the remote has not moved since this clone
   * last saw it, so the history its check for jobs already recorded read was the whole history.
   * 'refused' (another writer pushed, or the remote is down) or undefined (a record matched the
   * clone's last release of its app, or nothing can be told), the clone as it was.
   */
  private async writeWithoutFetch(batch: readonly QueuedRecord[]): Promise<Outcome[] | 'refused' | undefined> {
    if (!this.remote.synced) return undefined;
    const { local, remote } = await this.clone.heads();
    if (local === undefined || local !== remote) return undefined;
    const { plans, commits } = await stageRecords(this.clone, this.known, batch);
    if (plans.some((p) => p.kind === 'unchanged')) {
      if (commits.length > 0) await this.clone.resetTo(local);
      return undefined;
    }
    if (commits.length === 0 || (await this.clone.push()).ok) return this.outcomesOf(batch, plans, commits, undefined);
    await this.clone.resetTo(local);
    return 'refused';
  }

  private async outcomesOf(batch: readonly QueuedRecord[], plans: readonly Plan[], ids: readonly string[], failure: { error: unknown } | undefined): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const [i, plan] of plans.entries()) {
      const { dir, jobId } = batch[i]!;
      if (plan.kind === 'unchanged') outcomes.push({ commit: (await this.reader.releases(dir, 1))[0]?.commit ?? '', created: false });
      else if (failure) outcomes.push(failure);
      else if (plan.kind === 'commit') outcomes.push({ commit: ids[plan.index] ?? '', created: true });
      else outcomes.push({ commit: (await this.reader.findJob(dir, jobId ?? '')) ?? '', created: false });
    }
    return outcomes;
  }
}
