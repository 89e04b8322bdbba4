// Jobs through the queue: throughput with a trivial handler (concurrency 50, 50 apps so the
// per-app lock rarely makes jobs wait), and add → completed latency on an idle queue. Nestor's
// path as `nestor worker` runs it (validation at both ends, envelope, idempotency answered by the
// add, the app-env's Redis lock around the handler taken with the fetch, the line kept:
// JobQueue.lineOf) is measured against bare BullMQ (add + trivial processor) in the same run;
// bare BullMQ carrying Nestor's data and options runs beside them, shown only (what Nestor's jobs
// cost BullMQ, whatever Nestor's code does). The pipes stay up; ROUNDS rounds alternate the order
// of the sides; figures are medians over rounds (p99 over every sample). On a shared machine the
// rates swing with the load, so each throughput round also records the CPU it cost per job: this
// process's (producer and worker; process.cpuUsage) and redis-server's (INFO cpu), which move far
// less. `--rounds N` (default 5), `--latency-samples N` a side a round (default 4,000). A p99 needs
// many samples here: one job at a time, about one sample in 110 to 130 has a scavenge in it, so a
// p99 sits where those begin and moves with how many fell in: with 1,000 samples a round (5,000 a
// side) bare BullMQ's p99 moved between 0.78 and 1.45 ms from run to run, with 4,000 between 1.03
// and 1.19 (docs/performance-log.md, session 11).
// Redis: REDIS_URL if set, else a redis-server started for the run.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqJobQueue } from '../src/adapters/queue/bullmq-queue.js';
import { startJobWorker } from '../src/adapters/queue/bullmq-worker.js';
import { turnOf, type JobEnvelope } from '../src/adapters/queue/job-envelope.js';
import { RedisLocks } from '../src/adapters/redis/redis-locks.js';
import { systemClock } from '../src/adapters/system/system-clock.js';
import { jobHandlers } from '../src/core/jobs/job-handlers.js';
import type { DeployJob } from '../src/core/jobs/job-schema.js';
import { startRedis, type RedisServer } from '../test/support/redis-server.js';
import { median } from './lib/measure.js';
import { reportGoals } from './lib/goals.js';
import { countOptions } from './lib/options.js';
import { count, ms, table, times } from './lib/report.js';

const JOBS = 2_000;
const CONCURRENCY = 50;
const { rounds: ROUNDS, 'latency-samples': LATENCY_SAMPLES } = countOptions({ rounds: 5, 'latency-samples': 4_000 });

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

const OUTCOME = { outcome: 'released', message: 'ok', env: 'dev3', historyPending: false, changes: [], failures: [], diff: '' };

/** A job as Nestor's enqueue stores it (the lock's turn first, the request id, the job). */
const envelopeOf = (job: DeployJob): JobEnvelope => ({ turn: turnOf(job), v: 1, request: randomUUID(), job });

/**
 * Bare BullMQ; `withNestorData`: carrying what Nestor's jobs carry (its envelope, 5 attempts with
 * backoff, finished jobs kept a day, its outcome as return value), to show what that costs alone.
 */
async function barePipe(url: string, withNestorData = false): Promise<Pipe> {
  const name = `bench-bare-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(url);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const keep = { age: 86_400 };
  const defaultJobOptions = withNestorData ? { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: keep, removeOnFail: keep } : { removeOnComplete: true };
  const queue = new Queue(name, { connection: producer, defaultJobOptions });
  const processor = async (job: { data: unknown }): Promise<object> => (withNestorData ? { ...OUTCOME, app: (job.data as { job: { app: string } }).job.app } : { ok: true });
  const worker = new Worker(name, processor, { connection, concurrency: CONCURRENCY });
  const done = completions(worker);
  await worker.waitUntilReady();
  return {
    run: async (i) => {
      const id = `j-${i}`;
      const finished = done(id);
      const app = `app-${i % 50}`;
      const data = withNestorData
        ? envelopeOf({ kind: 'deploy', app, env: 'dev3', ref: 'main', user: 'bench', trigger: 'user', origin: { kind: 'cli' } })
        : { app };
      await queue.add('job', data, { jobId: id });
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
    line: (id: string) => queue.lineOf(id),
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

/** redis-server's CPU time so far, in µs (user + system). */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

interface Round {
  rate: number;
  /** This process's CPU per job, µs. */
  cpu: number;
  /** redis-server's CPU per job, µs. */
  redisCpu: number;
}

async function throughput(pipe: Pipe, offset: number, redis: Redis): Promise<Round> {
  const redisBefore = await redisCpu(redis);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < JOBS) await pipe.run(offset + next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const took = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const redisAfter = await redisCpu(redis);
  return { rate: JOBS / (took / 1000), cpu: (cpu.user + cpu.system) / JOBS, redisCpu: (redisAfter - redisBefore) / JOBS };
}

async function latencies(pipe: Pipe, offset: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const start = performance.now();
    await pipe.run(offset + i);
    samples.push(performance.now() - start);
  }
  return samples;
}

function at(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface Tally {
  rounds: Round[];
  samples: number[];
}

type Side = 'bare' | 'nestor' | 'data';

let server: RedisServer | undefined;
const url = process.env.REDIS_URL ?? (server = await startRedis()).url;
const pipes: Partial<Record<Side, Pipe>> = {};
const probe = new Redis(url);
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(", ")}`);
try {
  pipes.bare = await barePipe(url);
  pipes.nestor = await nestorPipe(url);
  pipes.data = await barePipe(url, true);
  const tallies: Record<Side, Tally> = { bare: { rounds: [], samples: [] }, nestor: { rounds: [], samples: [] }, data: { rounds: [], samples: [] } };
  for (const side of ['bare', 'nestor', 'data'] as const) await latencies(pipes[side]!, 1_000_000); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order: Side[] = round % 2 === 0 ? ['bare', 'nestor', 'data'] : ['data', 'nestor', 'bare'];
    for (const side of order) tallies[side].rounds.push(await throughput(pipes[side]!, 2_000_000 + round * JOBS, probe));
    for (const side of order) tallies[side].samples.push(...(await latencies(pipes[side]!, 3_000_000 + round * LATENCY_SAMPLES)));
  }
  const summary = (t: Tally) => {
    const sorted = [...t.samples].sort((a, b) => a - b);
    return {
      rate: median(t.rounds.map((r) => r.rate)), cpu: median(t.rounds.map((r) => r.cpu)), redisCpu: median(t.rounds.map((r) => r.redisCpu)),
      p50: at(sorted, 0.5), p99: at(sorted, 0.99),
    };
  };
  const bare = summary(tallies.bare);
  const nestor = summary(tallies.nestor);
  const data = summary(tallies.data);
  const rateRatio = nestor.rate / bare.rate;
  // Each round's two sides ran back to back: their ratio moves less with the machine's load than the medians do.
  const paired = tallies.nestor.rounds.map((r, i) => r.rate / (tallies.bare.rounds[i]?.rate ?? Number.NaN));
  const p99Ratio = nestor.p99 / bare.p99;
  console.log(table(`queue: ${count(JOBS)} trivial jobs per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds alternating sides; latency over ${count(LATENCY_SAMPLES * ROUNDS)} jobs on an idle queue per side`, [
    ['bare BullMQ jobs/s (median round)', count(bare.rate)],
    ['Nestor jobs/s (median round)', count(nestor.rate), `${times(rateRatio)} of bare`],
    ['Nestor / bare jobs/s, round by round', paired.map(times).join(', '), `median ${times(median(paired))}`],
    ['bare BullMQ with Nestor\'s data and options, jobs/s (shown)', count(data.rate), `${times(data.rate / bare.rate)} of bare`],
    ['bare BullMQ CPU per job: node / redis-server', `${count(bare.cpu)} µs / ${count(bare.redisCpu)} µs`],
    ['Nestor CPU per job: node / redis-server', `${count(nestor.cpu)} µs / ${count(nestor.redisCpu)} µs`,
      `${times(nestor.cpu / bare.cpu)} / ${times(nestor.redisCpu / bare.redisCpu)} of bare`],
    ['with Nestor\'s data CPU per job: node / redis-server', `${count(data.cpu)} µs / ${count(data.redisCpu)} µs`,
      `${times(data.cpu / bare.cpu)} / ${times(data.redisCpu / bare.redisCpu)} of bare`],
    ['bare BullMQ add→completed p50 / p99', `${ms(bare.p50)} / ${ms(bare.p99)}`],
    ['Nestor enqueue→completed p50 / p99', `${ms(nestor.p50)} / ${ms(nestor.p99)}`, `${times(nestor.p50 / bare.p50)} / ${times(p99Ratio)} of bare`],
    ['with Nestor\'s data add→completed p50 / p99', `${ms(data.p50)} / ${ms(data.p99)}`, `${times(data.p50 / bare.p50)} / ${times(data.p99 / bare.p99)} of bare`],
  ]));
  reportGoals([
    { name: 'jobs/s / bare BullMQ', ratio: rateRatio, bound: 'at least', limit: 0.8 },
    { name: 'p99 latency / bare BullMQ', ratio: p99Ratio, bound: 'at most', limit: 1.5 },
  ], 'queue goals');
} finally {
  for (const pipe of Object.values(pipes)) await pipe.close();
  probe.disconnect();
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(", ")}`);
  await server?.stop();
}
