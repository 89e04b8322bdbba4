// What this process knows of each history folder's newest releases, kept true as its own
// batches commit on the branch: a read of heads or a batch's check for a rerun job asks git only
// about folders it has not read since the branch last moved some other way (a rebase over another
// writer's commits, a reset, a pin). One writer releasing a fleet then runs no `git log` per batch.
import type { ReleaseSummary } from '../../core/ports/release-history.js';
import { cleanMessage, type ImportedCommit } from './fast-import.js';
import { summaryFromMessage } from './history-layout.js';
import { JOB_LOOKBACK, jobIn, type HistoryReader, type NewestReleases } from './history-reader.js';
import type { WorkClone } from './work-clone.js';

/**
 * Folders kept, the least recently used dropped beyond (each holds up to JOB_LOOKBACK summaries):
 * a fleet of one environment fits; a worker going through every app of 25 environments reads the
 * ones it dropped from git again instead of holding them all.
 */
const FOLDERS_KEPT = 500;

export class KnownReleases {
  /** The branch head the folders below were read at or brought up to; undefined: nothing known. */
  private at: string | undefined;
  private readonly folders = new Map<string, NewestReleases>();

  constructor(
    private readonly clone: WorkClone,
    private readonly reader: HistoryReader,
  ) {}

  /** The latest release of each of `dirs` that has one (`unreleased`: those known to have none, not asked of git). */
  async latestOfEach(dirs: readonly string[], unreleased: (dir: string) => boolean): Promise<Map<string, ReleaseSummary>> {
    await this.headKnown();
    const found = new Map<string, ReleaseSummary>();
    const missing: string[] = [];
    for (const dir of dirs) {
      const known = this.known(dir, unreleased, 1);
      if (known === undefined) missing.push(dir);
      else if (known.releases[0]) found.set(dir, known.releases[0]);
    }
    if (missing.length === 0) return found;
    const head = this.clone.knownHead();
    const read = await this.reader.latestOfEach(missing);
    for (const dir of missing) {
      const latest = read.get(dir);
      if (latest) found.set(dir, latest);
      this.learn(head, dir, latest ? { releases: [latest], all: false } : { releases: [], all: true });
    }
    return found;
  }

  /** The JOB_LOOKBACK newest releases of each of `dirs` (all of them when fewer), one git log for those not known. */
  async newestOfEach(dirs: readonly string[], unreleased: (dir: string) => boolean): Promise<Map<string, NewestReleases>> {
    await this.headKnown();
    const found = new Map<string, NewestReleases>();
    const missing: string[] = [];
    for (const dir of new Set(dirs)) {
      const known = this.known(dir, unreleased, JOB_LOOKBACK);
      if (known === undefined) missing.push(dir);
      else found.set(dir, known);
    }
    if (missing.length === 0) return found;
    const head = this.clone.knownHead();
    for (const [dir, newest] of await this.reader.newestOf(missing)) {
      found.set(dir, newest);
      this.learn(head, dir, newest);
    }
    return found;
  }

  /** For each asked job, the commit that recorded it among its folder's newest releases, if any. */
  async findJobs(asked: readonly { dir: string; jobId: string }[], unreleased: (dir: string) => boolean): Promise<(string | undefined)[]> {
    const newest = await this.newestOfEach(asked.map((a) => a.dir), unreleased);
    return asked.map(({ dir, jobId }) => jobIn(newest.get(dir)?.releases ?? [], jobId));
  }

  /**
   * The branch moved from `parent` to the last of `ids` by `commits` (in order), committed by this
   * process: each commit's release becomes its folder's newest. Anything else forgets all.
   */
  committed(parent: string | undefined, commits: readonly ImportedCommit[], ids: readonly string[]): void {
    if (this.at === undefined || this.at !== parent || ids.length !== commits.length) return this.forget();
    commits.forEach((commit, i) => {
      const summary = summaryFromMessage(ids[i]!, cleanMessage(commit.message));
      const dir = summary && `${summary.env}/${summary.app}`;
      const known = dir === undefined ? undefined : this.folders.get(dir);
      if (!summary || !dir || !known) return;
      const releases = [summary, ...known.releases];
      this.keep(dir, { releases: releases.slice(0, JOB_LOOKBACK), all: known.all && releases.length <= JOB_LOOKBACK });
    });
    this.at = ids.at(-1);
  }

  /**
   * The branch's head read again when the clone forgot it (a reset to the remote, a rebase): a
   * read from its ref files, without which nothing read now could be kept.
   */
  private async headKnown(): Promise<void> {
    if (this.clone.knownHead() === undefined) await this.clone.heads();
  }

  /** What is known of `dir` at the branch's head, when it holds at least `depth` releases or all of them. */
  private known(dir: string, unreleased: (dir: string) => boolean, depth: number): NewestReleases | undefined {
    const head = this.clone.knownHead();
    if (head === undefined || head !== this.at) this.forget(head);
    if (unreleased(dir)) {
      const none: NewestReleases = { releases: [], all: true };
      if (head !== undefined) this.keep(dir, none);
      return none;
    }
    const known = this.folders.get(dir);
    if (!known || !(known.all || known.releases.length >= depth)) return undefined;
    this.keep(dir, known);
    return known;
  }

  /** Keeps what was read at `head` (the head when the read began), if that is still the branch's head. */
  private learn(head: string | undefined, dir: string, newest: NewestReleases): void {
    if (head === undefined || head !== this.clone.knownHead()) return;
    if (head !== this.at) this.forget(head);
    this.keep(dir, newest);
  }

  private keep(dir: string, newest: NewestReleases): void {
    this.folders.delete(dir);
    this.folders.set(dir, newest);
    const oldest = this.folders.size > FOLDERS_KEPT ? this.folders.keys().next().value : undefined;
    if (oldest !== undefined) this.folders.delete(oldest);
  }

  private forget(at?: string): void {
    this.folders.clear();
    this.at = at;
  }
}
