// One attempt at one job, whatever queue carries it: validate the payload again, take the one
// lock of the job's app and environment (see job-turn.ts: a queue that can put the job back
// defers it while busy, else it waits here, telling behind whom and the position), run the
// handler of its kind within that lock, and report progress and the outcome to the injected sink.
import { isNestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { JobOutcome } from '../ports/job-queue.js';
import { queuedBehindMessage } from '../ports/job-queue.js';
import type { LinedUpJob } from '../ports/job-queue.js';
import type { HeldLock, LockHandle, LockOwner, Locks } from '../ports/locks.js';
import type { ReleaseContext } from '../release/release-deps.js';
import type { ReleaseEvent } from '../release/events.js';
import { cancelledError } from '../release/cancel.js';
import { holdLock, withLock, type LockScope, type WithLockOptions } from '../release/with-lock.js';
import { dispatch, type JobHandlers } from './job-handlers.js';
import { describeJob, type Job } from './job-schema.js';
import { isJobDeferred, jobLockKey, takeTurn, type JobWait, type TurnDeps } from './job-turn.js';
import { parseJob } from './parse-job.js';

export type JobUpdate = { jobId: string; job: Job; attempt: number } & (
  | { type: 'started' }
  | { type: 'event'; event: ReleaseEvent }
  | { type: 'completed'; result: JobOutcome }
  | { type: 'failed'; message: string; code?: string; final: boolean });

/** Where job progress goes (the Slack notifier, a terminal, a test). Must not throw. */
export type ProgressSink = (update: JobUpdate) => void;

export interface JobLockTuning {
  /** What a crashed worker leaves behind at most. */
  ttlMs: number;
  /**
   * How long a job waits behind another in all before failing: a final Locked error when
   * deferred, a retryable one when waiting in place.
   */
  waitMs: number;
  /** Between two tries at a busy lock: how long a deferred job stays out of its queue. */
  pollMs: number;
}

export interface JobRunnerDeps {
  handlers: JobHandlers;
  locks: Locks;
  progress: ProgressSink;
  lock: JobLockTuning;
  /** The job's place in the line of its app and environment, for "position N". */
  position?: (jobId: string) => Promise<number | undefined>;
  /**
   * The unfinished jobs of the job's line, oldest first, the job included (JobQueue.line): a job
   * finding the lock free lets the older ones waiting for it go first. Also gives the position.
   */
  line?: (jobId: string) => Promise<LinedUpJob[] | undefined>;
  /** The first try at the lock unless another job of the line waits in the queue for its turn (see TurnDeps). */
  tryUnlessWaiting?: TurnDeps['tryUnlessWaiting'];
  /** Waiting in place for a lock and renewing it: the clock the lock store expires by. */
  clock: Clock;
  /**
   * A queued job's lock is released on the connection its queue ends the job on, so the end is
   * seen after the release without waiting for its answer (WithLockOptions.releaseInOrder).
   */
  releaseInOrder?: boolean;
  onError?: (error: unknown) => void;
}

export interface JobAttempt {
  jobId: string;
  data: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Attempts allowed in all: the failure of the last one is final. */
  maxAttempts: number;
  /**
   * Given by a queue that can put the job back (BullMQ): a busy app-env then ends the run with
   * JobDeferred instead of waiting in the worker's slot. `wait`: what earlier deferrals left;
   * `held`: the job's lock when its queue took it already (the worker's fetch), so the job takes
   * no turn of its own.
   */
  deferrable?: { wait?: JobWait; held?: LockHandle };
  /**
   * Stops the job (Ctrl-C in the shell): while it waits in place for its lock, it ends
   * cancelled with nothing run; then the pipeline gets it as ReleaseContext.signal.
   */
  signal?: AbortSignal;
}

/**
 * Whether another attempt may succeed: only NestorErrors marked retryable (adapters wrap their
 * transient faults so). An error of unknown kind is a bug: running the pipeline again would
 * only repeat it, so the job fails once with its message.
 */
export function isRetryable(error: unknown): boolean {
  return isNestorError(error) && error.retryable;
}

/** Tells a job waiting in place behind `by` whom it waits for, with its position when known. */
function waitingBehind(deps: JobRunnerDeps, jobId: string, ctx: ReleaseContext, by: HeldLock): void {
  void (deps.position?.(jobId) ?? Promise.resolve(undefined))
    .catch(() => undefined)
    .then((position) => ctx.onEvent({ type: 'waiting', message: queuedBehindMessage(by, position) }));
}

// The updates and contexts are written out, not spread from a common part: a spread's copy cost
// a no-op job several times the allocation of the object itself (the queue bench's GC share).
export async function runJob(deps: JobRunnerDeps, run: JobAttempt): Promise<JobOutcome> {
  const { jobId, attempt } = run;
  const job = parseJob(run.data);
  const tell = (update: JobUpdate): void => {
    try {
      deps.progress(update);
    } catch (error) {
      deps.onError?.(error);
    }
  };
  // A deferred job coming back goes on with the same attempt: it started already.
  if (run.deferrable?.wait === undefined) tell({ jobId, job, attempt, type: 'started' });
  const onEvent = (event: ReleaseEvent): void => tell({ jobId, job, attempt, type: 'event', event });
  const contextWith = (lock?: LockScope): ReleaseContext => {
    const context: ReleaseContext = { user: job.user, jobId, onEvent };
    if (run.signal) context.signal = run.signal;
    if (lock) context.lock = lock;
    return context;
  };
  const ctx = contextWith();
  try {
    const owner = (): LockOwner => ({ id: jobId, user: job.user, operation: describeJob(job) });
    const options: WithLockOptions = { ttlMs: deps.lock.ttlMs, waitMs: deps.lock.waitMs, pollMs: deps.lock.pollMs, clock: deps.clock };
    if (deps.releaseInOrder && run.deferrable) options.releaseInOrder = true;
    if (deps.onError) options.onError = deps.onError;
    if (run.signal) options.signal = run.signal;
    let started = false;
    const within = (lock: LockScope): Promise<JobOutcome> => {
      started = true;
      return dispatch(deps.handlers, contextWith(lock), job);
    };
    const result = run.deferrable
      ? await holdLock(run.deferrable.held ?? await takeTurn(deps, { job, jobId, owner: owner(), wait: run.deferrable.wait, tell: (message) => onEvent({ type: 'waiting', message }) }), options, within)
      : await withLock(deps.locks, jobLockKey(job), owner(), { ...options, onWaiting: (by) => waitingBehind(deps, jobId, ctx, by) }, within).catch((error: unknown) => {
        throw !started && run.signal?.aborted ? cancelledError() : error;
      });
    tell({ jobId, job, attempt, type: 'completed', result });
    return result;
  } catch (error) {
    if (isJobDeferred(error)) throw error;
    const final = !isRetryable(error) || attempt >= run.maxAttempts;
    const message = error instanceof Error ? error.message : String(error);
    tell({ jobId, job, attempt, type: 'failed', message, final, ...(isNestorError(error) ? { code: error.code } : {}) });
    throw error;
  }
}
