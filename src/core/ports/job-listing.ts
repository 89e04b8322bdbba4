// Port: the queue as an operator looks at it (the web view's queue page): how many jobs are in
// each state, and the latest few of the waiting, active and failed ones.
import type { Job } from '../jobs/job-schema.js';

export const ListedState = { Waiting: 'waiting', Active: 'active', Failed: 'failed' } as const;
export type ListedState = (typeof ListedState)[keyof typeof ListedState];

export interface ListedJob {
  jobId: string;
  job: Job;
  /** ISO-8601. */
  enqueuedAt: string;
  attempts: number;
  /** The last failure, in the user's words. */
  error?: string;
}

export interface QueueOverview {
  counts: Record<ListedState | 'delayed' | 'completed', number>;
  jobs: Record<ListedState, ListedJob[]>;
}

export interface JobListing {
  /** At most `limit` jobs of each listed state, newest first. */
  overview(limit: number): Promise<QueueOverview>;
}
