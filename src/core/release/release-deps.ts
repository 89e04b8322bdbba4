// What a release pipeline runs over: ports only, injected by each composition root (CLI, worker,
// shell, tests), so the same pipeline runs everywhere.
import type { Environment, MergedConfig } from '../config/index.js';
import type { Clock } from '../ports/clock.js';
import type { AppBranches } from '../ports/app-branches.js';
import type { ClusterProvider } from '../ports/cluster.js';
import type { ConfigRepo } from '../ports/config-repo.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { ImageBuilds } from '../ports/image-builds.js';
import type { ImageRegistry } from '../ports/image-registry.js';
import type { Locks } from '../ports/locks.js';
import type { ReleaseHistory } from '../ports/release-history.js';
import type { SourceRepo } from '../ports/source-repo.js';
import type { ObjectChange, ReleaseListener } from './events.js';
import type { ReleasedBranchMove } from '../workflow/describe-move.js';
import type { LockScope } from './with-lock.js';

export interface ReleaseTuning {
  /** A lock left by a crashed process expires after this long. */
  lockTtlMs: number;
  /** How long an operation waits behind another on the same app and environment. */
  lockWaitMs: number;
  /** Between two attempts at a busy lock. */
  lockPollMs: number;
  rolloutPollMs: number;
  /** Added to each Deployment's progressDeadlineSeconds before Nestor gives up waiting. */
  rolloutGraceMs: number;
}

export const DEFAULT_TUNING: ReleaseTuning = { lockTtlMs: 15 * 60_000, lockWaitMs: 30 * 60_000, lockPollMs: 1_000, rolloutPollMs: 2_000, rolloutGraceMs: 10_000 };

export interface ReleaseDeps {
  config: ConfigSource;
  /** Where `scale` and `config set|unset` commit (the same nestor-config `config` reads). */
  configRepo: ConfigRepo;
  source: SourceRepo;
  clusters: ClusterProvider;
  history: ReleaseHistory;
  locks: Locks;
  clock: Clock;
  /** Real time, for what expires in real time whatever `clock` is (lock renewals). */
  wallClock: Clock;
  /** Nestor's own process environment, for `$NAME` config values. */
  environment: Environment;
  /** Checks the images of a release before anything is applied; absent: they are named, not checked. */
  registry?: ImageRegistry;
  /** Builds a missing image when `docker.build` is configured; absent: a missing image fails the release. */
  builds?: ImageBuilds;
  /** The apps' own repositories, for `release.moves_branch` (and the branch workflow); absent: such a move is reported as not possible here. */
  branches?: AppBranches;
  tuning?: Partial<ReleaseTuning>;
}

/** Who runs the operation and where its progress goes. */
export interface ReleaseContext {
  user: string;
  /** The job id (or a CLI run id): a rerun with the same id records history once. */
  jobId: string;
  onEvent: ReleaseListener;
  /**
   * Stops the operation (Ctrl-C in the shell): while it waits for its lock or before it applies
   * anything, it ends with nothing changed; while it waits for a rollout, the rollout counts as
   * failed and is rolled back; once applied and available it finishes (history, rollback).
   */
  signal?: AbortSignal;
  /**
   * The lock of the job's app and environment, when its runner holds it already (one lock per
   * job): a pipeline on that app and environment runs within it instead of taking it again.
   */
  lock?: LockScope;
}

export const ReleaseOutcome = {
  Released: 'released',
  DryRun: 'dry-run',
  RolledBack: 'rolled-back',
  Failed: 'failed',
  /** A config change committed to nestor-config; nothing runs yet, so it applies at the next deploy. */
  Committed: 'committed',
  /** A config change with nothing to do: the config already says so and the running release has it. */
  Unchanged: 'unchanged',
} as const;
export type ReleaseOutcome = (typeof ReleaseOutcome)[keyof typeof ReleaseOutcome];

export interface ReleaseResult {
  outcome: ReleaseOutcome;
  app: string;
  env: string;
  /** One line for a user. */
  message: string;
  sha?: string;
  ref?: string;
  image?: string;
  /** The history commit recording the release (or the automatic rollback). */
  commit?: string;
  /** Applied to the cluster but not yet in the history repository: retried later. */
  historyPending: boolean;
  changes: ObjectChange[];
  /** Why the rollout failed, per Deployment. */
  failures: string[];
  /** The version whose rollout failed, when an automatic rollback put `sha` back. */
  attempted?: { sha: string; ref?: string };
  /** The unified diff of the release (Secret values masked). */
  diff: string;
  /** The app's merged config the job read (its channels and git origin, for the announcement). */
  config?: MergedConfig;
  /** What ran before: the latest release recorded before this job; null for a first release; absent when not known. */
  previous?: { sha: string; ref?: string } | null;
  /** A scale or config change: its side in nestor-config. */
  configChange?: ConfigCommit;
  /** A deploy in an environment with `release.moves_branch`: what became of that branch. */
  branchMove?: ReleasedBranchMove;
}

export interface ConfigCommit {
  /** The app file in nestor-config. */
  path: string;
  /** The nestor-config commit; '' when the folder is not a git work tree (or nothing changed). */
  commit: string;
  /** False when the file already said so. */
  changed: boolean;
}

/** The version a recorded release ran, as `ReleaseResult.previous` holds it. */
export function versionOf(release: { sha: string; ref?: string | undefined }): { sha: string; ref?: string } {
  return { sha: release.sha, ...(release.ref ? { ref: release.ref } : {}) };
}

export function tuningOf(deps: Pick<ReleaseDeps, 'tuning'>): ReleaseTuning {
  return { ...DEFAULT_TUNING, ...deps.tuning };
}

