// Port: the live drift of each app-environment as workers last saw it (the sync report reads the
// clusters; a release just applied knows its app is in sync), for the web view, whose process
// reaches no cluster. One board per environment, one entry per app. Entries name objects and
// fields, never values: the board is read by anyone signed in to the web view.

/** As the sync report says it (live-drift.ts DriftState). */
export type LiveDriftState = 'clean' | 'drifted' | 'unknown';

export interface DriftEntry {
  state: LiveDriftState;
  /** What differs, by name: `edited Deployment dev3/mary-web (spec.replicas)`, `deleted Service dev3/mary`. */
  changes: string[];
  /** Why the state is unknown (a cluster that could not be read, a release that failed). */
  why?: string;
  /** When the cluster was read (or the release applied), ISO-8601 UTC: entries compare by it. */
  checkedAt: string;
  /** What published it. */
  source: 'report' | 'release';
}

export interface DriftBoard {
  /**
   * Records `entries` (by app) in `env`'s board, each unless the board holds a newer one for its
   * app: a report that read the cluster before a release finished does not undo the release's word.
   */
  publish(env: string, entries: ReadonlyMap<string, DriftEntry>): Promise<void>;
  /** Every entry of each environment, all in one round trip; an environment never published has none. */
  read(envs: readonly string[]): Promise<Map<string, Map<string, DriftEntry>>>;
}
