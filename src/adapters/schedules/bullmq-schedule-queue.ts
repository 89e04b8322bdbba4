// ScheduleQueue on BullMQ job schedulers, in a queue of their own (`nestor-schedules`). BullMQ
// keeps one delayed job per scheduler, made when the previous one starts, under an id of the
// scheduler and the firing's time (`repeat:<scheduler>:<ms>`): however many workers run, a firing
// is one job, run once. While no worker runs, the due job waits in the delayed set and runs when
// one comes back (several missed firings make one). Upserting a scheduler replaces its pending
// job with one computed from now, so reconcile touches only schedulers whose spec changed: an
// unchanged one keeps its pending firing, even an overdue one.
import { randomUUID } from 'node:crypto';
import { Queue, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DesiredScheduler, ReconcileResult, ScheduleQueue } from '../../core/ports/schedules.js';
import { schedulerId } from '../../core/schedules/desired-schedulers.js';
import { redisCall } from '../redis/redis-call.js';
import { RenewedQueue } from '../queue/renewed-queue.js';

export const SCHEDULES_QUEUE = 'nestor-schedules';
const OURS = 'nestor:';

/** The data of a firing's job: which schedule, and for one fired by hand, by whom. */
export interface FiringJobData {
  v: 1;
  env: string;
  name: string;
  /** The scheduler's spec when it was upserted (reconcile compares it). */
  spec?: string;
  by?: string;
}

export interface BullmqScheduleQueueOptions {
  connection: Redis;
  name?: string;
  prefix?: string;
  /** Tests fire every few milliseconds instead of by the cron (five fields: a minute at least). */
  repeatOf?: (scheduler: DesiredScheduler) => Omit<RepeatOptions, 'key'>;
  onError?: (error: unknown) => void;
}

// Finished firings are kept a while for inspection, and few: the run records say what happened.
const KEEP = { age: 7 * 86_400, count: 200 };

export class BullmqScheduleQueue implements ScheduleQueue {
  private readonly renewed: RenewedQueue<Queue<FiringJobData>>;
  private readonly repeatOf: (scheduler: DesiredScheduler) => Omit<RepeatOptions, 'key'>;

  constructor(options: BullmqScheduleQueueOptions) {
    this.renewed = new RenewedQueue(() => new Queue<FiringJobData>(options.name ?? SCHEDULES_QUEUE, {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      // A failed handler is a recorded outcome, not a job failure: no retry (the next firing comes).
      defaultJobOptions: { attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP },
    }), options.onError);
    this.repeatOf = options.repeatOf ?? ((s) => ({ pattern: s.pattern, tz: s.timeZone }));
  }

  /** The BullMQ queue (made anew when its set-up failed: renewed-queue.ts). */
  get queue(): Queue<FiringJobData> {
    return this.renewed.queue;
  }

  async reconcile(desired: readonly DesiredScheduler[]): Promise<ReconcileResult> {
    const existing = new Map((await this.schedulers()).map((s) => [s.key, s.template?.data?.spec]));
    const result: ReconcileResult = { added: [], moved: [], removed: [], kept: [] };
    for (const scheduler of desired) {
      const known = existing.has(scheduler.id);
      const spec = existing.get(scheduler.id);
      existing.delete(scheduler.id);
      if (spec === scheduler.spec) {
        result.kept.push(scheduler.id);
        continue;
      }
      (known ? result.moved : result.added).push(scheduler.id);
      const data: FiringJobData = { v: 1, env: scheduler.env, name: scheduler.name, spec: scheduler.spec };
      await redisCall(`schedule ${scheduler.id}`, () => this.queue.upsertJobScheduler(scheduler.id, this.repeatOf(scheduler), { name: 'firing', data }));
    }
    for (const id of existing.keys()) {
      if (!id.startsWith(OURS)) continue;
      await redisCall(`unschedule ${id}`, () => this.queue.removeJobScheduler(id));
      result.removed.push(id);
    }
    return result;
  }

  async nextFirings(): Promise<Map<string, Date>> {
    const next = new Map<string, Date>();
    for (const s of await this.schedulers()) if (s.next !== undefined) next.set(s.key, new Date(s.next));
    return next;
  }

  async fireNow(target: { env: string; name: string }, by: string): Promise<string> {
    // Not the scheduler's own id space (`repeat:…`): a run by hand never replaces a pending firing.
    const jobId = `now-${target.env}-${target.name}-${randomUUID().slice(0, 8)}`;
    const data: FiringJobData = { v: 1, env: target.env, name: target.name, by };
    await redisCall(`fire schedule ${schedulerId(target)}`, () => this.queue.add('now', data, { jobId }));
    return jobId;
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private schedulers() {
    return redisCall('read the job schedulers', () => this.queue.getJobSchedulers(0, -1));
  }
}
