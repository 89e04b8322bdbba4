// In-memory JobQueue for unit tests of what enqueues (bot, CLI): same validation, idempotency
// and lines as the BullMQ adapter. `runNext` runs the oldest waiting job through runJob, so a
// test can drive a whole request in one process.
import { systemClock } from '../../../adapters/system/system-clock.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { Clock } from '../../../core/ports/clock.js';
import { jobScope, type Job } from '../../../core/jobs/job-schema.js';
import { parseJob } from '../../../core/jobs/parse-job.js';
import { isRetryable, runJob, type JobRunnerDeps } from '../../../core/jobs/run-job.js';
import {
  JobState, enqueuedMessage, isIdempotencyKey,
  type EnqueueOptions, type Enqueued, type JobQueue, type JobStatus, type LinedUpJob,
} from '../../../core/ports/job-queue.js';

export interface MemoryJobQueueOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Attempts in all. Default 5. */
  attempts?: number;
}

export class MemoryJobQueue implements JobQueue {
  private readonly jobs = new Map<string, JobStatus>();
  private readonly clock: Clock;
  private readonly attempts: number;

  constructor(options: MemoryJobQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.attempts = options.attempts ?? 5;
  }

  async enqueue(job: Job, options: EnqueueOptions): Promise<Enqueued> {
    const jobId = options.idempotencyKey;
    if (!isIdempotencyKey(jobId)) {
      throw new NestorError(ErrorCode.BadInput, 'invalid idempotency key: expected letters, digits, ".", "_" or "-" (at most 128, not only digits)');
    }
    const valid = structuredClone(parseJob(job));
    const known = this.jobs.get(jobId);
    if (known) return { jobId, created: false, message: enqueuedMessage(jobId, false, known.state) };
    this.jobs.set(jobId, { jobId, job: valid, state: JobState.Waiting, attempts: 0, enqueuedAt: new Date(this.clock.now()).toISOString() });
    return { jobId, created: true, message: enqueuedMessage(jobId, true) };
  }

  async line(scopeKey: string): Promise<LinedUpJob[]> {
    const unfinished = [...this.jobs.values()].filter((s) => s.state !== JobState.Completed && s.state !== JobState.Failed);
    return unfinished.filter((s) => jobScope(s.job).key === scopeKey).map(({ jobId, job, state }) => ({ jobId, job, state }));
  }

  async position(jobId: string): Promise<number | undefined> {
    const status = this.jobs.get(jobId);
    if (!status) return undefined;
    const index = (await this.line(jobScope(status.job).key)).findIndex((j) => j.jobId === jobId);
    return index < 0 ? undefined : index + 1;
  }

  async get(jobId: string): Promise<JobStatus | undefined> {
    const status = this.jobs.get(jobId);
    return status && structuredClone(status);
  }

  /** Runs the oldest waiting (or retry-delayed) job once; its id, or undefined when none waits. */
  async runNext(deps: JobRunnerDeps): Promise<string | undefined> {
    const next = [...this.jobs.values()].find((s) => s.state === JobState.Waiting || s.state === JobState.Delayed);
    if (!next) return undefined;
    next.state = JobState.Active;
    next.attempts += 1;
    try {
      next.result = await runJob({ ...deps, position: (id) => this.position(id) }, {
        jobId: next.jobId, data: structuredClone(next.job), attempt: next.attempts, maxAttempts: this.attempts,
      });
      next.state = JobState.Completed;
    } catch (error) {
      next.error = error instanceof Error ? error.message : String(error);
      next.state = isRetryable(error) && next.attempts < this.attempts ? JobState.Delayed : JobState.Failed;
    }
    return next.jobId;
  }
}
