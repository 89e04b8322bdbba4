// Port: the queue between the processes that accept requests (bot, CLI, API, cron) and the
// workers that run them. Enqueueing is idempotent: the caller names the request (Slack retry
// header, trigger id, CI run...), and the same name twice gives the same job, never a second one.
import type { Job } from '../jobs/job-schema.js';

export const JobState = {
  Waiting: 'waiting',
  /** Waiting for a retry after a failed attempt. */
  Delayed: 'delayed',
  Active: 'active',
  Completed: 'completed',
  Failed: 'failed',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** What a finished job returns: one line for people, and what it recorded. */
export interface JobOutcome {
  outcome: string;
  message: string;
  /** The history commit, when the job recorded a release. */
  commit?: string;
  sha?: string;
  historyPending?: boolean;
}

export interface EnqueueOptions {
  /**
   * Names the request; it becomes the job id. Letters, digits, `.`, `_` and `-`, at most 128,
   * not only digits. The same key again gives the same job while that job is kept (24 h).
   */
  idempotencyKey: string;
}

export interface Enqueued {
  jobId: string;
  /** False when the key was already queued (or already ran): nothing new was added. */
  created: boolean;
  /** `queued as job X` or `already queued as job X (active)`. */
  message: string;
}

/** A job not yet finished, in the line of its app and environment. */
export interface LinedUpJob {
  jobId: string;
  job: Job;
  state: JobState;
}

/** A stage of a job (resolve, render, apply, rollout...) as its worker last reported it. */
export interface JobStep {
  stage: string;
  /** started, finished, failed or skipped. */
  status: string;
  message?: string;
}

export interface JobStatus {
  jobId: string;
  job: Job;
  state: JobState;
  /** Attempts started so far. */
  attempts: number;
  /** ISO-8601. */
  enqueuedAt: string;
  result?: JobOutcome;
  /** The user's line of the last failure. */
  error?: string;
  /** Its stages so far, in the order they began (empty before it starts, or from a queue that keeps none). */
  steps?: JobStep[];
}

export interface JobQueue {
  /** Validates the job (NestorError BadInput, nothing queued) and adds it unless its key is known. */
  enqueue(job: Job, options: EnqueueOptions): Promise<Enqueued>;
  /** The unfinished jobs of one app in one environment (see jobScope), oldest first. */
  line(scopeKey: string): Promise<LinedUpJob[]>;
  /** 1 for the first in its line; undefined when finished or unknown. */
  position(jobId: string): Promise<number | undefined>;
  get(jobId: string): Promise<JobStatus | undefined>;
}

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY.test(key) && !/^\d+$/.test(key);
}

export function enqueuedMessage(jobId: string, created: boolean, state?: JobState): string {
  return created ? `queued as job ${jobId}` : `already queued as job ${jobId}${state ? ` (${state})` : ''}`;
}

/** `queued behind job 41 by alice, position 2`. */
export function queuedBehindMessage(holder: { id: string; user: string }, position: number | undefined): string {
  return `queued behind job ${holder.id} by ${holder.user}${position === undefined ? '' : `, position ${position}`}`;
}
