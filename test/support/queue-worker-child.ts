// A worker process for crash and shutdown tests: a BullMQ worker over the file pipeline,
// closed gracefully on SIGTERM (exit 0 once its current job is done).
// Usage: node --import tsx queue-worker-child.ts '<json WorkerChildConfig>'
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startJobWorker, closeOnSignals, type WorkerTuning } from '../../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../../src/adapters/redis/redis-locks.js';
import { filePipeline, type PipelineMode } from './file-pipeline.js';
import { RecordingSink, runnerDeps } from './job-fixtures.js';

export interface WorkerChildConfig {
  url: string;
  queue: string;
  lockPrefix: string;
  dir: string;
  mode: PipelineMode;
  tuning: WorkerTuning;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerChildConfig;
const connection = new Redis(config.url, { maxRetriesPerRequest: null });
const locks = new RedisLocks({ redis: connection, prefix: config.lockPrefix });
const runner = runnerDeps(locks, filePipeline(config.dir, config.mode), new RecordingSink());
const worker = startJobWorker({ connection, name: config.queue, runner, concurrency: 1, tuning: config.tuning });
closeOnSignals(worker, () => {
  connection.disconnect();
  process.exitCode = 0;
});
// After closeOnSignals' own listener, so the worker is already closing when the test reads this.
process.once('SIGTERM', () => appendFileSync(join(config.dir, 'calls.log'), `sigterm ${process.pid}\n`));
