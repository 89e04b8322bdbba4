// Jobs through the queue: throughput with a trivial handler (concurrency 50, 50 apps so the
// per-app lock never makes jobs wait), and add → completed latency on an idle queue. Nestor's
// path (validation, envelope, idempotency read-back, Redis lock around the handler) is measured
// against bare BullMQ (add + trivial processor) in the same run, as a ratio.
// Redis: REDIS_URL if set, else a redis-server started for the run.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqJobQueue } from '../src/adapters/queue/bullmq-queue.js';
import { startJobWorker } from '../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../src/adapters/redis/redis-locks.js';
import { systemClock } from '../src/adapters/system/system-clock.js';
import { jobHandlers } from '../src/core/jobs/job-handlers.js';
import type { DeployJob } from '../src/core/jobs/job-schema.js';
import { startRedis, type RedisServer } from '../test/support/redis-server.js';
import { count, ms, table, times } from './lib/report.js';

const JOBS = 2_000;
const CONCURRENCY = 50;
const LATENCY_SAMPLES = 300;

interface Pipe {
  /** Adds one job; resolves when it is completed. */
  run(i: number): Promise<void>;
  close(): Promise<void>;
}

function completions(worker: Worker): (id: string) => Promise<void> {
  const waiting = new Map<string, () => void>();
  worker.on('completed', (job) => waiting.get(job.id ?? '')?.());
  return (id) => new Promise((resolve) => waiting.set(id, () => (waiting.delete(id), resolve())));
}

async function barePipe(url: string): Promise<Pipe> {
  const name = `bench-bare-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(url);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: producer, defaultJobOptions: { removeOnComplete: true } });
  const worker = new Worker(name, async () => ({ ok: true }), { connection, concurrency: CONCURRENCY });
  const done = completions(worker);
  await worker.waitUntilReady();
  return {
    run: async (i) => {
      const id = `j-${i}`;
      const finished = done(id);
      await queue.add('job', { app: `app-${i % 50}` }, { jobId: id });
      await finished;
    },
    close: async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      producer.disconnect();
      connection.disconnect();
    },
  };
}

async function nestorPipe(url: string): Promise<Pipe> {
  const name = `bench-nestor-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(url);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new BullmqJobQueue({ connection: producer, name });
  const handlers = jobHandlers({
    deploy: async (_ctx, input) => ({ outcome: 'released', message: 'ok', app: input.app, env: input.env, historyPending: false, changes: [], failures: [], diff: '' }),
  });
  const runner = {
    handlers, locks: new RedisLocks({ redis: connection, prefix: `${name}:lock:` }), progress: () => undefined,
    lock: { ttlMs: 30_000, waitMs: 60_000, pollMs: 50 }, clock: systemClock,
  };
  const { worker } = startJobWorker({ connection, name, runner, concurrency: CONCURRENCY });
  const done = completions(worker);
  await worker.waitUntilReady();
  return {
    run: async (i) => {
      const id = `j-${i}`;
      const finished = done(id);
      const job: DeployJob = { kind: 'deploy', app: `app-${i % 50}`, env: 'dev3', ref: 'main', user: 'bench', trigger: 'user', origin: { kind: 'cli' } };
      await queue.enqueue(job, { idempotencyKey: id });
      await finished;
    },
    close: async () => {
      await worker.close();
      await queue.queue.obliterate({ force: true });
      await queue.close();
      producer.disconnect();
      connection.disconnect();
    },
  };
}

async function throughput(pipe: Pipe): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < JOBS) await pipe.run(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return JOBS / ((performance.now() - start) / 1000);
}

async function latency(pipe: Pipe, offset: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const start = performance.now();
    await pipe.run(offset + i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function measure(make: () => Promise<Pipe>): Promise<{ rate: number; p50: number; p99: number }> {
  const pipe = await make();
  try {
    await latency(pipe, 1_000_000); // warm-up
    const rate = await throughput(pipe);
    const { p50, p99 } = await latency(pipe, 2_000_000);
    return { rate, p50, p99 };
  } finally {
    await pipe.close();
  }
}

let server: RedisServer | undefined;
const url = process.env.REDIS_URL ?? (server = await startRedis()).url;
try {
  const bare = await measure(() => barePipe(url));
  const nestor = await measure(() => nestorPipe(url));
  console.log(table(`queue: ${count(JOBS)} trivial jobs, concurrency ${CONCURRENCY}; latency over ${LATENCY_SAMPLES} jobs on an idle queue`, [
    ['bare BullMQ jobs/s', count(bare.rate)],
    ['Nestor jobs/s', count(nestor.rate), `${times(nestor.rate / bare.rate)} of bare`],
    ['bare BullMQ add→completed p50 / p99', `${ms(bare.p50)} / ${ms(bare.p99)}`],
    ['Nestor enqueue→completed p50 / p99', `${ms(nestor.p50)} / ${ms(nestor.p99)}`, `${times(nestor.p50 / bare.p50)} / ${times(nestor.p99 / bare.p99)} of bare`],
  ]));
} finally {
  await server?.stop();
}
