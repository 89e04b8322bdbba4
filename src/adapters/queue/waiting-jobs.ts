// Which jobs of each app-env line went back to the queue to wait for their turn: deferred behind
// a busy lock, or backing off before a retry. A Redis set per line beside the queue's keys
// (`<prefix>:<queue>:nestor-waiting:<line>`), written only when a job goes back and cleared when
// it ends, so a job whose line has nobody waiting takes its turn without reading the whole queue
// (JobQueue.line reads every unfinished job). An entry left by a crashed worker only costs the
// next job of that line one full read of its line.
import type { Redis } from 'ioredis';
import { jobScope, type Job } from '../../core/jobs/job-schema.js';

export class WaitingJobs {
  /** The sets' keys before the line's key. */
  readonly keyPrefix: string;

  constructor(private readonly redis: Redis, prefix: string, queueName: string) {
    this.keyPrefix = `${prefix}:${queueName}:nestor-waiting:`;
  }

  /** The Redis key of `job`'s line's set. */
  keyOf(job: Job): string {
    return this.keyPrefix + jobScope(job).key;
  }

  async add(job: Job, jobId: string): Promise<void> {
    await this.redis.sadd(this.keyOf(job), jobId);
  }

  async remove(job: Job, jobId: string): Promise<void> {
    await this.redis.srem(this.keyOf(job), jobId);
  }

  /** Whether a job of `job`'s line other than `jobId` is waiting. */
  async others(job: Job, jobId: string): Promise<boolean> {
    const members = await this.redis.smembers(this.keyOf(job));
    return members.some((id) => id !== jobId);
  }
}
