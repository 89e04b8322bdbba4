// Port: the release history, a git repository with one commit per release under
// `<env>/<app>/` (manifests per cluster, exactly as applied, plus `release.json`).

export const ReleaseKind = { Deploy: 'deploy', Rollback: 'rollback', Scale: 'scale', Config: 'config' } as const;
export type ReleaseKind = (typeof ReleaseKind)[keyof typeof ReleaseKind];

/** What was released; stored as `<env>/<app>/release.json`. */
export interface ReleaseRecord {
  /** The ref the user asked for (branch, tag or sha), when there was one. */
  ref?: string;
  /** The application's commit sha. */
  sha: string;
  image?: string;
  configHash: string;
  /**
   * The merged config alone, hashed (configFingerprint in run-release.ts): unlike configHash it
   * leaves out the version's Procfile and Cronfile, so a fleet view compares it with the config
   * now without reading each app's repository. Absent in releases recorded before it existed.
   */
  configFingerprint?: string;
  /** Who asked for it. */
  user: string;
  /** ISO-8601 time of the release. */
  at: string;
  /** The job that applied it: recording the same jobId twice gives the same commit. */
  jobId?: string;
  /** The history commit this release replaced (a rollback: the commit it restores). */
  previous?: string;
  approvedBy?: string;
  /** Extra `Key: value` lines, written as commit message trailers and kept in release.json. */
  trailers?: Record<string, string>;
}

export interface RecordInput {
  app: string;
  env: string;
  kind: ReleaseKind;
  /** The exact multi-document YAML applied, per cluster name. */
  manifestsByCluster: Record<string, string>;
  record: ReleaseRecord;
  /** Subject line; default like `deploy mary@1a2b3c4 (feature-x) to dev3 by alice`. */
  message?: string;
}

export interface RecordResult {
  /** The history commit holding the release. */
  commit: string;
  /** False when the release was already recorded (same jobId): nothing new was written. */
  created: boolean;
}

export interface ReleaseSummary {
  commit: string;
  app: string;
  env: string;
  kind: ReleaseKind;
  sha: string;
  ref?: string;
  user: string;
  at: string;
  jobId?: string;
  /** ReleaseRecord.configFingerprint, when the release recorded one. */
  configFingerprint?: string;
  /** The commit subject. */
  message: string;
}

export interface Release extends ReleaseSummary {
  record: ReleaseRecord;
  /** Manifests per cluster exactly as recorded; Secret values decrypted when a key is set. */
  manifestsByCluster: Record<string, string>;
  /** True when Secret values are still encrypted (no key was given): not fit to apply. */
  secretsEncrypted: boolean;
}

export interface PinInput {
  /** The history commit the app is held at. */
  commit: string;
  reason: string;
  by: string;
  /** Who approved the change that pins it (a rollback in an environment with `approval`). */
  approvedBy?: string;
}

export interface Pin extends PinInput {
  /** ISO-8601 time the pin was set. */
  at: string;
}

/**
 * `nestor unpin` of an app a person's deploy held: version sync no longer counts deploys made
 * up to `at` as holding it (a deploy after it holds again).
 */
export interface HoldEnd {
  by: string;
  /** ISO-8601. */
  at: string;
}

/** Where an app stands in an environment's history: its latest release, its pin and the end of its last hold, when it has them. */
export interface AppHistoryHead {
  latest?: ReleaseSummary;
  pin?: Pin;
  holdEnded?: HoldEnd;
}

export interface FlushResult {
  /** Local commits published by this flush. */
  pushed: number;
  /** Local commits still waiting to be published (0 when all went through). */
  pending: number;
}

export interface ReleaseHistory {
  /**
   * One commit per release. Secret values are encrypted (refused with BadInput when there is no
   * key). When the commit cannot be published (remote down, still rejected after rebasing) it
   * is kept locally and NestorError(HistoryPending, retryable) is thrown; a later `record` or
   * `flushPending` publishes it.
   */
  record(input: RecordInput): Promise<RecordResult>;
  /**
   * Whether Secret values can be recorded (a key is set). A release holding secrets asks before
   * it changes the cluster: `record` refuses them only after the apply.
   */
  canRecordSecrets(): boolean;
  /** Releases of the app in the environment, newest first. */
  list(app: string, env: string, limit?: number): Promise<ReleaseSummary[]>;
  /** The release at `commit` (the latest when omitted); undefined when there is none. */
  get(app: string, env: string, commit?: string): Promise<Release | undefined>;
  /** The release before the latest one: the default target of a rollback. */
  previous(app: string, env: string): Promise<Release | undefined>;
  pin(app: string, env: string, pin: PinInput): Promise<void>;
  /** `approvedBy`: who approved the change that lifts the pin (an approved deploy). */
  unpin(app: string, env: string, by: string, approvedBy?: string): Promise<void>;
  getPin(app: string, env: string): Promise<Pin | undefined>;
  /**
   * Ends the hold of the deploys made up to `end.at` (see HoldEnd; dated by the clock that dates
   * releases), recorded as a commit; headsOf gives it back.
   */
  endHold(app: string, env: string, end: HoldEnd): Promise<void>;
  /**
   * The latest release, pin and hold end of each of `apps` (default: every app the environment's history
   * holds) in one read, as `list(app, env, 1)[0]` and `getPin` would give them, by app name; an
   * app never released nor pinned has an empty entry. A fleet run reads this once, not per app.
   */
  headsOf(env: string, apps?: readonly string[]): Promise<Map<string, AppHistoryHead>>;
  /** Publishes commits that could not be pushed before; throws HistoryPending if still impossible. */
  flushPending(): Promise<FlushResult>;
}
