// A BullMQ worker running Nestor jobs through runJob. BullMQ gives at-least-once delivery: a
// worker that dies mid-job loses its job lock, and another worker's stalled-job check puts the
// job back after `lockDuration` (+ `stalledInterval`). The retry has the same job id, so it takes
// the app's lock again at once and the pipeline records history once per job id.
// Failures: NestorErrors marked retryable retry with the queue's exponential backoff; any other
// error (bad input, refusals, and bugs: a TypeError) becomes UnrecoverableError and fails once.
// A job whose app and environment is busy frees its slot: it is moved to the delayed set for a
// while (no attempt counted, BullMQ's own DelayedError), its wait kept in its data. A job going
// back to the queue (deferred, or to retry) is marked in its line's waiting set (waiting-jobs.ts)
// until it ends: a job finding that set empty takes its turn without reading its line. On Redis
// locks, the check and the lock are one script (one round trip for the job's turn), and that lock
// is bound to BullMQ's lock of the job: it frees itself when BullMQ ends the job (redis-locks.ts).
// Most jobs have that lock already when they come: the script that fetched them took it
// (turn-on-fetch.ts); only the others make that first try.
import { createRedisBackend, DelayedError, UnrecoverableError, Worker, type Job as BullJob, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Job } from '../../core/jobs/job-schema.js';
import { isJobDeferred, jobLockKey } from '../../core/jobs/job-turn.js';
import type { LockHandle } from '../../core/ports/locks.js';
import { isRetryable, runJob, type JobAttempt, type JobRunnerDeps } from '../../core/jobs/run-job.js';
import type { JobOutcome } from '../../core/ports/job-queue.js';
import { RedisLocks } from '../redis/redis-locks.js';
import { DEFAULT_QUEUE_NAME } from './bullmq-queue.js';
import { promptCloser } from './close-worker.js';
import { jobOf, unwrapJob, waitOf, type JobEnvelope } from './job-envelope.js';
import { stepsAfter, stepsOf } from './job-steps.js';
import { bullmqScripts } from './bullmq-scripts.js';
import { fetchScripts, TurnOnFetch } from './turn-on-fetch.js';
import { WaitingJobs } from './waiting-jobs.js';

/** BullMQ timings, short in tests. */
export type WorkerTuning = Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay' | 'runRetryDelay'>;

export interface BullmqWorkerOptions {
  /** Must have `maxRetriesPerRequest: null`: a worker waits out Redis outages instead of failing. */
  connection: Redis;
  name?: string;
  prefix?: string;
  runner: JobRunnerDeps;
  /** Jobs run at once by this process; jobs of one app and environment still run one at a time. Default 4. */
  concurrency?: number;
  tuning?: WorkerTuning;
  onError?: (error: unknown) => void;
}

export interface JobWorker {
  readonly worker: Worker<JobEnvelope, JobOutcome>;
  /** Takes no new job, lets the current ones finish, then disconnects. */
  close(): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function startJobWorker(options: BullmqWorkerOptions): JobWorker {
  if (options.connection.options.maxRetriesPerRequest !== null) {
    throw new Error('the worker connection needs maxRetriesPerRequest: null');
  }
  const waiting = new WaitingJobs(options.connection, options.prefix ?? 'bull', options.name ?? DEFAULT_QUEUE_NAME);
  const { locks } = options.runner;
  // A lock taken by the other path (a line to keep) is released before BullMQ ends the job on this
  // same connection (moveToFinished), so the job is not seen ended with its lock still held, and
  // its end waits for no extra round trip. (Only the first release after a Redis restart, sent
  // again as EVAL, may come after it: a job of the line taken at that moment is deferred once.)
  const releaseInOrder = locks instanceof RedisLocks && locks.sendsOver(options.connection);
  const runner: JobRunnerDeps = { ...(releaseInOrder ? { releaseInOrder } : {}), ...options.runner };
  const turns = releaseInOrder && options.runner.line ? turnOnFetch(options, locks, waiting) : undefined;
  const firstTry = (jobId: string, token: string | undefined): JobRunnerDeps['tryUnlessWaiting'] => locks instanceof RedisLocks && token
    ? (job, _jobId, owner, ttlMs) => locks.acquireUnlessWaiting(jobLockKey(job), owner, ttlMs, waiting.keyOf(job), { key: `${worker.toKey(jobId)}:lock`, token })
    : async (job, _jobId, owner, ttlMs) => ((await waiting.others(job, jobId)) ? undefined : locks.acquire(jobLockKey(job), owner, ttlMs));
  /** The lock the fetch that gave the job `token` took for it, if it did (and for the job's own lock). */
  const heldOnFetch = (bull: BullJob<JobEnvelope, JobOutcome>, job: Job | undefined, token: string | undefined): LockHandle | undefined => {
    const lock = token && turns?.claim(token) ? bull.data.turn?.lock : undefined;
    return lock !== undefined && job && lock === jobLockKey(job) && locks instanceof RedisLocks ? locks.boundHandle(lock, token!) : undefined;
  };
  const processor = async (bull: BullJob<JobEnvelope, JobOutcome>, token?: string): Promise<JobOutcome> => {
    const jobId = bull.id ?? '';
    const attempt = bull.attemptsMade + 1;
    const maxAttempts = bull.opts.attempts ?? 1;
    const wait = waitOf(bull.data);
    const job = jobOf(bull.data);
    // Only a job that went back to the queue before can be in its line's waiting set.
    const leave = (): void => {
      if (job && (wait || attempt > 1)) void waiting.remove(job, jobId).catch((error: unknown) => options.onError?.(error));
    };
    // Each stage event is kept as the job's progress too, for those who read the job.
    let steps = stepsOf(bull.progress);
    const progress: JobRunnerDeps['progress'] = (update) => {
      runner.progress(update);
      const next = stepsAfter(steps, update);
      if (next) void bull.updateProgress({ steps: (steps = next) }).catch((error: unknown) => options.onError?.(error));
    };
    const deferrable: NonNullable<JobAttempt['deferrable']> = {};
    if (wait) deferrable.wait = wait;
    const held = heldOnFetch(bull, job, token);
    if (held) deferrable.held = held;
    try {
      const outcome = await runJob({ tryUnlessWaiting: firstTry(jobId, token), ...runner, progress }, { jobId, data: unwrapJob(bull.data), attempt, maxAttempts, deferrable });
      leave();
      return outcome;
    } catch (error) {
      const retried = isRetryable(error) && attempt < maxAttempts;
      // Marked waiting before it leaves the worker: a younger job of its line then lets it go first.
      if (job && (isJobDeferred(error) || retried)) await waiting.add(job, jobId);
      else leave();
      if (isJobDeferred(error)) {
        await bull.updateData({ ...bull.data, wait: error.wait });
        await bull.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
      if (!isRetryable(error)) throw new UnrecoverableError(messageOf(error));
      throw error;
    }
  };
  const worker = new Worker<JobEnvelope, JobOutcome>(options.name ?? DEFAULT_QUEUE_NAME, processor, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    concurrency: options.concurrency ?? 4,
    ...options.tuning,
  }, turns?.backendFactory ?? createRedisBackend);
  // An 'error' event without a listener would crash the process; Redis outages are retried.
  worker.on('error', (error) => options.onError?.(error));
  return { worker, close: promptCloser(worker) };
}

/** Jobs' locks taken by the fetches of this worker, unless BullMQ's scripts are not of the shape that needs (told to onError). */
function turnOnFetch(options: BullmqWorkerOptions, locks: RedisLocks, waiting: WaitingJobs): TurnOnFetch | undefined {
  const scripts = fetchScripts(bullmqScripts());
  if (typeof scripts === 'string') {
    options.onError?.(new Error(scripts));
    return undefined;
  }
  return new TurnOnFetch({ connection: options.connection, locks, waitingPrefix: waiting.keyPrefix, ttlMs: options.runner.lock.ttlMs, scripts });
}

/** Closes `worker` on the first of `signals` (finishing its current jobs), then calls `done`. */
export function closeOnSignals(worker: JobWorker, done: () => void, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  const onSignal = (): void => {
    for (const s of signals) process.off(s, onSignal);
    void worker.close().finally(done);
  };
  for (const s of signals) process.once(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
