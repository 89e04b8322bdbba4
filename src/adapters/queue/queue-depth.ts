// The job queue's depth as Redis holds it, for the queue gauges: jobs by state and the age of the
// oldest job waiting for a worker (read in the same round of calls, so the fleet's view).
import type { Queue } from 'bullmq';
import type { QueueDepth } from '../observability/prometheus-metrics.js';

export async function readQueueDepth(queue: Queue, now: () => number = Date.now): Promise<QueueDepth> {
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    // The wait list is pushed on the left and taken from the right: ascending order starts at the oldest.
    queue.getJobs(['waiting'], 0, 0, true),
  ]);
  const enqueuedAt = oldest[0]?.timestamp;
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingAgeSeconds: enqueuedAt === undefined ? 0 : Math.max(0, now() - enqueuedAt) / 1000,
  };
}
