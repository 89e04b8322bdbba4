// One attempt at one job, whatever queue carries it: validate the payload again, wait for the
// job's app and environment behind the job ahead (telling who it is and the position), run the
// handler of its kind, and report progress and the outcome to the injected sink.
import { isNestorError } from '../errors.js';
import type { JobOutcome } from '../ports/job-queue.js';
import { queuedBehindMessage } from '../ports/job-queue.js';
import type { HeldLock, Locks } from '../ports/locks.js';
import type { ReleaseContext } from '../release/release-deps.js';
import type { ReleaseEvent } from '../release/events.js';
import { withLock } from '../release/with-lock.js';
import { dispatch, type JobHandlers } from './job-handlers.js';
import { describeJob, jobScope, type Job } from './job-schema.js';
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
  /** How long a job waits behind another before failing with a retryable Locked error. */
  waitMs: number;
  pollMs: number;
}

export interface JobRunnerDeps {
  handlers: JobHandlers;
  locks: Locks;
  progress: ProgressSink;
  lock: JobLockTuning;
  /** The job's place in the line of its app and environment, for "position N". */
  position?: (jobId: string) => Promise<number | undefined>;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  onError?: (error: unknown) => void;
}

export interface JobAttempt {
  jobId: string;
  data: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Attempts allowed in all: the failure of the last one is final. */
  maxAttempts: number;
}

/**
 * Whether another attempt may succeed: only NestorErrors marked retryable (adapters wrap their
 * transient faults so). An error of unknown kind is a bug: running the pipeline again would
 * only repeat it, so the job fails once with its message.
 */
export function isRetryable(error: unknown): boolean {
  return isNestorError(error) && error.retryable;
}

/** The job's lock key, apart from the pipeline's own (`dev3.mary`) so the two never collide. */
export function queueLockKey(job: Job): string {
  return `queue:${jobScope(job).key}`;
}

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
  const base = { jobId, job, attempt };
  tell({ ...base, type: 'started' });
  const ctx: ReleaseContext = { user: job.user, jobId, onEvent: (event) => tell({ ...base, type: 'event', event }) };
  const onWaiting = (by: HeldLock): void => {
    void (deps.position?.(jobId) ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then((position) => ctx.onEvent({ type: 'waiting', message: queuedBehindMessage(by, position) }));
  };
  try {
    const owner = { id: jobId, user: job.user, operation: describeJob(job) };
    const options = { ...deps.lock, now: deps.now, sleep: deps.sleep, onWaiting, ...(deps.onError ? { onError: deps.onError } : {}) };
    const result = await withLock(deps.locks, queueLockKey(job), owner, options, () => dispatch(deps.handlers, ctx, job));
    tell({ ...base, type: 'completed', result });
    return result;
  } catch (error) {
    const final = !isRetryable(error) || attempt >= run.maxAttempts;
    const message = error instanceof Error ? error.message : String(error);
    tell({ ...base, type: 'failed', message, final, ...(isNestorError(error) ? { code: error.code } : {}) });
    throw error;
  }
}
