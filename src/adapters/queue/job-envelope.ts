// How a job is stored in BullMQ: the validated job plus the id of the request that added it.
// The id tells an enqueue whether it created the job or met one already there under the same
// key (BullMQ answers both with the job id).
import { ErrorCode, NestorError } from '../../core/errors.js';
import { describeJob, jobScope, type Job } from '../../core/jobs/job-schema.js';
import { jobLockKey, type JobWait } from '../../core/jobs/job-turn.js';

export interface JobEnvelope {
  /** First, so that the worker's fetch finds it at the start of the stored JSON (turn-on-fetch.ts); absent from jobs enqueued before it. */
  turn?: JobTurn;
  v: 1;
  /** One per enqueue call. */
  request: string;
  job: Job;
  /** Set while the job is deferred behind a busy app-env (see bullmq-worker.ts). */
  wait?: JobWait;
}

/** The job's lock key, its line's (JobScope.key), and the lock owner's user and operation. */
export interface JobTurn {
  lock: string;
  line: string;
  user: string;
  operation: string;
}

export function turnOf(job: Job): JobTurn {
  return { lock: jobLockKey(job), line: jobScope(job).key, user: job.user, operation: describeJob(job) };
}

/** The job inside `data`, unvalidated (runJob validates it); BadInput when `data` is no envelope. */
export function unwrapJob(data: unknown): unknown {
  const envelope = data as Partial<JobEnvelope> | null;
  if (typeof envelope !== 'object' || envelope === null || envelope.v !== 1 || typeof envelope.job !== 'object') {
    throw new NestorError(ErrorCode.BadInput, 'invalid queued job: not a Nestor job (expected {v: 1, request, job})');
  }
  return envelope.job;
}

/** The wait a deferred job left in its envelope; undefined the first time (or when malformed). */
export function waitOf(data: unknown): JobWait | undefined {
  const wait = (data as Partial<JobEnvelope> | null)?.wait;
  if (typeof wait !== 'object' || wait === null || !Number.isFinite(wait.since)) return undefined;
  return { since: wait.since, ...(typeof wait.told === 'string' ? { told: wait.told } : {}) };
}

/** The job of a stored envelope, for listings; undefined when it is not one. */
export function jobOf(data: unknown): Job | undefined {
  try {
    return unwrapJob(data) as Job;
  } catch {
    return undefined;
  }
}
