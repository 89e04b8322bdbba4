// A queued job's turn on its app and environment: the one lock of that app-env (the key the
// pipelines use, so a CLI release and a job exclude each other), taken once per job. A queue that
// can put a job back (BullMQ) does not let a job wait in its worker slot: when the app-env is busy
// the job is deferred (JobDeferred) and comes back after `pollMs`, as often as it takes, until the
// overall wait limit. Its line is kept as well as a lock allows: a job finding the lock free still
// lets the older jobs of its line that wait for their turn go first.
import { ErrorCode, NestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { JobState, queuedBehindMessage, type LinedUpJob } from '../ports/job-queue.js';
import { appLockKey, describeHolder, type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type Locks } from '../ports/locks.js';
import { jobScope, type Job } from './job-schema.js';

/** What a deferred job carries to its next turn (kept with the job by its queue). */
export interface JobWait {
  /** When the job first found its app-env busy (ms since the epoch): the overall limit counts from there. */
  since: number;
  /** The last "queued behind" line the user was told, not repeated while it holds. */
  told?: string;
}

/** Not a failure: the job goes back to its queue for `delayMs`, carrying `wait`, and counts no attempt. */
export class JobDeferred extends Error {
  constructor(readonly delayMs: number, readonly wait: JobWait) {
    super(`deferred for ${delayMs} ms: its app and environment are busy`);
    this.name = 'JobDeferred';
  }
}

export function isJobDeferred(error: unknown): error is JobDeferred {
  return error instanceof JobDeferred;
}

/** The lock of a job: its app's in its environment (`dev3.mary`), an environment's datastores, an app's branch workflow, or a report's or listing's. */
export function jobLockKey(job: Job): string {
  return job.kind === 'datastore' || job.kind === 'ci-success' || job.kind === 'report' || job.kind === 'datastore-list' || job.kind === 'run' ? jobScope(job).key : appLockKey(job.app, job.env);
}

/** What a busy job waits for, for people. */
function scopeText(job: Job): string {
  if (job.kind === 'datastore') return `the datastores of ${job.env}`;
  if (job.kind === 'ci-success') return `the branch workflow of ${job.app}`;
  if (job.kind === 'report') return `the report of ${job.env ?? 'every environment'}`;
  if (job.kind === 'datastore-list') return `the datastore listing of ${job.env}`;
  if (job.kind === 'run') return `the one-off process of ${job.app} in ${job.env}`;
  return `${job.app} in ${job.env}`;
}

export interface TurnDeps {
  locks: Locks;
  lock: { ttlMs: number; waitMs: number; pollMs: number };
  /** The unfinished jobs of the job's line, oldest first, the job included; undefined when unknown. */
  line?: (jobId: string) => Promise<LinedUpJob[] | undefined>;
  position?: (jobId: string) => Promise<number | undefined>;
  /**
   * The job's first try at its lock, unless another job of its line went back to its queue to
   * wait (deferred, or backing off before a retry): then undefined, nothing tried, and the lock's
   * holder and the line are read. With nobody waiting nothing can be ahead, so only the lock
   * decides (the line is read only if it is busy). Without it, a job with a line reads it first.
   */
  tryUnlessWaiting?: (job: Job, jobId: string, owner: LockOwner, ttlMs: number) => Promise<LockAttempt | undefined>;
  clock: Clock;
}

export interface Turn {
  job: Job;
  jobId: string;
  owner: LockOwner;
  /** What earlier deferrals left; undefined on the job's first turn. */
  wait: JobWait | undefined;
  /** Tells the user a line (a `waiting` event). */
  tell: (message: string) => void;
}

/** Who a waiting job is behind: the lock's holder, or an older job of its line waiting too. */
type Blocker = HeldLock | { id: string; user: string };

/** The lock, or JobDeferred when the app-env is busy, or a final Locked error past the wait limit. */
export async function takeTurn(deps: TurnDeps, turn: Turn): Promise<LockHandle> {
  const key = jobLockKey(turn.job);
  let line: LinedUpJob[] | undefined;
  const lineOnce = async (): Promise<LinedUpJob[]> => (line ??= (await deps.line?.(turn.jobId).catch(() => undefined)) ?? []);
  const take = (): Promise<LockAttempt> => deps.locks.acquire(key, turn.owner, deps.lock.ttlMs);
  // Without a line to keep (no `line`, or nobody of it waiting), only the lock decides.
  let attempt = deps.line === undefined ? await take() : await deps.tryUnlessWaiting?.(turn.job, turn.jobId, turn.owner, deps.lock.ttlMs);
  let blocker = attempt === undefined ? await waitingAhead(deps, turn, key, lineOnce) : undefined;
  if (blocker === undefined) {
    // Also when held: free by now, or its holder known dead.
    attempt ??= await take();
    if (attempt.held) return attempt;
    blocker = attempt.by;
  }
  const now = deps.clock.now();
  const since = turn.wait?.since ?? now;
  if (now - since >= deps.lock.waitMs) throw gaveUp(turn.job, blocker, deps.lock.waitMs);
  const position = deps.line ? placeIn(await lineOnce(), turn.jobId) : await deps.position?.(turn.jobId).catch(() => undefined);
  const told = queuedBehindMessage(blocker, position);
  if (told !== turn.wait?.told) turn.tell(told);
  throw new JobDeferred(deps.lock.pollMs, { since, told });
}

/**
 * Who the job lets go first: nobody when the lock is its own leftover (a rerun after a crash),
 * else the lock's holder or the oldest job of its line waiting ahead, even when the lock is free.
 */
async function waitingAhead(deps: TurnDeps, turn: Turn, key: string, lineOnce: () => Promise<LinedUpJob[]>): Promise<Blocker | undefined> {
  const holder = await deps.locks.current(key);
  if (holder?.id === turn.jobId) return undefined;
  const lined = await lineOnce();
  const mine = lined.findIndex((j) => j.jobId === turn.jobId);
  const ahead = lined.slice(0, Math.max(mine, 0)).find((j) => j.state !== JobState.Active);
  return ahead ? (holder ?? { id: ahead.jobId, user: ahead.job.user }) : undefined;
}

/** 1 for the first of the line. */
function placeIn(line: readonly LinedUpJob[], jobId: string): number | undefined {
  const index = line.findIndex((j) => j.jobId === jobId);
  return index < 0 ? undefined : index + 1;
}

function gaveUp(job: Job, by: Blocker, waitMs: number): NestorError {
  const scope = scopeText(job);
  const behind = 'since' in by ? describeHolder(by) : `job ${by.id} by ${by.user}, queued ahead`;
  const minutes = Math.round(waitMs / 60_000);
  const waited = minutes >= 1 ? `${minutes} min` : `${Math.round(waitMs / 1000)} s`;
  return new NestorError(ErrorCode.Locked, `${scope} is still busy after ${waited}: ${behind}; gave up waiting, try again later`, {
    retryable: false,
    detail: { key: jobLockKey(job), holder: by.id },
  });
}
