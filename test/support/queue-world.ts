// A BullMQ queue and its workers on the shared redis-server, with a unique queue name and lock
// prefix per test; everything is closed after the test.
import type { RedisOptions } from 'ioredis';
import type { TestContext } from 'vitest';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-queue.js';
import { startJobWorker, type JobWorker, type WorkerTuning } from '../../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../../src/adapters/redis/redis-locks.js';
import type { JobHandlers } from '../../src/core/jobs/job-handlers.js';
import type { JobLockTuning } from '../../src/core/jobs/run-job.js';
import { RecordingSink, runnerDeps } from './job-fixtures.js';
import { redisClient, redisUrl, uniqueName } from './redis.js';

// A live worker keeps its jobs however starved the machine is (its hold on them is renewed every
// 7.5 s): a hold that lapsed would rightly let a job run again, as after a crash, and flake the
// counts tests check. A worker a test kills gets SHORT_HOLD, so that its job is taken over soon.
export const FAST: WorkerTuning = { lockDuration: 15_000, stalledInterval: 300, maxStalledCount: 2, drainDelay: 1, runRetryDelay: 50 };
export const SHORT_HOLD: WorkerTuning = { ...FAST, lockDuration: 1_000 };

export interface QueueWorld {
  name: string;
  lockPrefix: string;
  queue: BullmqJobQueue;
  locks: RedisLocks;
  sink: RecordingSink;
  startWorker(handlers: JobHandlers, concurrency?: number, lock?: JobLockTuning): JobWorker;
}

export interface QueueWorldOptions {
  url?: string;
  backoffMs?: number;
  attempts?: number;
  /** Options of the workers' Redis connections, besides `maxRetriesPerRequest: null`. */
  workerRedis?: RedisOptions;
}

/** Closed when the test `ctx` finishes (per test, so it works in concurrent suites). */
export function queueWorld(ctx: TestContext, options: QueueWorldOptions = {}): QueueWorld {
  const closers: (() => Promise<void>)[] = [];
  ctx.onTestFinished(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  const url = options.url ?? redisUrl();
  const name = uniqueName('queue');
  const lockPrefix = `${uniqueName('lock')}:`;
  const producer = redisClient({}, url);
  const queue = new BullmqJobQueue({ connection: producer, name, backoffMs: options.backoffMs ?? 20, attempts: options.attempts ?? 3 });
  closers.push(() => queue.close());
  const locks = new RedisLocks({ redis: producer, prefix: lockPrefix });
  const sink = new RecordingSink();
  const startWorker = (handlers: JobHandlers, concurrency = 2, lock?: JobLockTuning): JobWorker => {
    const connection = redisClient({ ...options.workerRedis, maxRetriesPerRequest: null }, url);
    const runner = { ...runnerDeps(new RedisLocks({ redis: connection, prefix: lockPrefix }), handlers, sink, lock), line: (id: string) => queue.lineOf(id) };
    const worker = startJobWorker({ connection, name, runner, concurrency, tuning: FAST });
    closers.push(() => worker.close());
    return worker;
  };
  return { name, lockPrefix, queue, locks, sink, startWorker };
}
