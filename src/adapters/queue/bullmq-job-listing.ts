// The JobListing port on the BullMQ queue of BullmqJobQueue: one count and one page per state.
import type { Job as BullJob, JobType, Queue } from 'bullmq';
import type { JobOutcome } from '../../core/ports/job-queue.js';
import { ListedState, type JobListing, type ListedJob, type QueueOverview } from '../../core/ports/job-listing.js';
import { jobOf, type JobEnvelope } from './job-envelope.js';

const STATES: Record<ListedState, JobType[]> = {
  waiting: ['waiting', 'prioritized', 'waiting-children'],
  active: ['active'],
  failed: ['failed'],
};

export function bullmqJobListing(queue: Queue<JobEnvelope, JobOutcome>): JobListing {
  return {
    async overview(limit: number): Promise<QueueOverview> {
      const [counts, waiting, active, failed] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'failed', 'delayed', 'completed'),
        queue.getJobs(STATES.waiting, 0, limit - 1, false),
        queue.getJobs(STATES.active, 0, limit - 1, false),
        queue.getJobs(STATES.failed, 0, limit - 1, false),
      ]);
      const count = (name: string) => counts[name] ?? 0;
      return {
        counts: {
          waiting: count('waiting') + count('prioritized') + count('waiting-children'), active: count('active'), failed: count('failed'),
          delayed: count('delayed'), completed: count('completed'),
        },
        jobs: { waiting: listed(waiting), active: listed(active), failed: listed(failed) },
      };
    },
  };
}

function listed(jobs: (BullJob<JobEnvelope, JobOutcome> | undefined)[]): ListedJob[] {
  return jobs.flatMap((bull) => {
    const job = jobOf(bull?.data);
    if (!bull?.id || !job) return [];
    return [{ jobId: bull.id, job, enqueuedAt: new Date(bull.timestamp).toISOString(), attempts: bull.attemptsStarted, ...(bull.failedReason ? { error: bull.failedReason } : {}) }];
  });
}
