// The BullMQ worker of the schedules queue: each job is one firing, run through runFiring (which
// skips overlaps and firings already run). A firing's handler failing is its recorded outcome,
// not a failed job; only a fault reaching Redis fails the job.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runFiring, type Firing, type FiringDeps, type FiringResult } from '../../core/schedules/schedule-firing.js';
import type { WorkerTuning } from '../queue/bullmq-worker.js';
import { promptCloser } from '../queue/close-worker.js';
import { SCHEDULES_QUEUE, type FiringJobData } from './bullmq-schedule-queue.js';

export interface ScheduleWorkerOptions {
  /** Must have `maxRetriesPerRequest: null`, as every BullMQ worker's. */
  connection: Redis;
  deps: FiringDeps;
  name?: string;
  prefix?: string;
  /** Firings run at once by this process (of different schedules: one schedule runs one at a time). Default 2. */
  concurrency?: number;
  tuning?: WorkerTuning;
  /** Each firing's result, as it ends (the worker logs them). */
  onFiring?: (firing: Firing, result: FiringResult) => void;
  onError?: (error: unknown) => void;
}

export interface ScheduleWorker {
  readonly worker: Worker<FiringJobData, FiringResult>;
  /** Takes no new firing and lets the current ones finish. */
  close(): Promise<void>;
  /** Tells the runs going on to stop (their handlers' signal), for a stop past its deadline. */
  abort(): void;
}

export function firingOf(job: Job<FiringJobData>): Firing {
  // A scheduler's job carries the time it was due; one fired by hand, when it was queued.
  const due = job.opts.prevMillis ?? job.timestamp;
  return {
    env: job.data.env, name: job.data.name, firingId: job.id ?? '', firedAt: new Date(due),
    trigger: job.name === 'now' ? 'now' : 'schedule', ...(job.data.by ? { by: job.data.by } : {}),
  };
}

export function startScheduleWorker(options: ScheduleWorkerOptions): ScheduleWorker {
  const stopping = new AbortController();
  const processor = async (job: Job<FiringJobData>): Promise<FiringResult> => {
    const firing = firingOf(job);
    const result = await runFiring(options.deps, firing, stopping.signal);
    options.onFiring?.(firing, result);
    return result;
  };
  const worker = new Worker<FiringJobData, FiringResult>(options.name ?? SCHEDULES_QUEUE, processor, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    concurrency: options.concurrency ?? 2,
    ...options.tuning,
  });
  worker.on('error', (error) => options.onError?.(error));
  return { worker, close: promptCloser(worker), abort: () => stopping.abort() };
}
