// A worker on a bot world's queue, running the real pipelines (as `nestor worker` composes them)
// on the given release deps, for tests that drive the bot and watch a job run to its end.
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TestContext } from 'vitest';
import { startJobWorker } from '../../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../../src/adapters/redis/redis-locks.js';
import { createSlackProgressSink, NOTIFIER_CLIENT_OPTIONS, type NotifierTuning } from '../../src/adapters/slack/notifier/index.js';
import type { JobPipelines } from '../../src/core/jobs/job-handlers.js';
import { workerRunner } from '../../src/main/worker.js';
import { announcer } from '../../src/main/worker-announce.js';
import { TOKEN, type BotWorld } from './bot-world.js';
import { FAST } from './queue-world.js';
import { redisClient, uniqueName } from './redis.js';

export interface BotWorkerOptions {
  /** Pipelines beside the release ones (`nestor worker` adds the report's, the datastore listing's...), on the worker's own clients. */
  more?: (slack: WebClient, connection: Redis, logger: Logger) => Partial<JobPipelines>;
  /** Over the progress sink's tuning (its edits are paced every 10 ms here). */
  tuning?: Partial<NotifierTuning>;
}

export interface BotWorker {
  /** Resolves once the job of this id completed (at once if it already did); rejects with its error when it failed. */
  completed(id: string): Promise<void>;
  /** Resolves once every status message and thread reply of the jobs is delivered. */
  flush(): Promise<void>;
}

export function startBotWorker(ctx: TestContext, world: BotWorld, deps: Parameters<typeof workerRunner>[0], options: BotWorkerOptions = {}): BotWorker {
  const connection = redisClient({ maxRetriesPerRequest: null });
  const logger = world.services.logger;
  const slack = new WebClient(TOKEN, { ...NOTIFIER_CLIENT_OPTIONS, slackApiUrl: world.slack.apiUrl });
  const sink = createSlackProgressSink({ slack, tuning: { minIntervalMs: 10, ...options.tuning } });
  const announce = announcer(slack, logger);
  const locks = new RedisLocks({ redis: connection, prefix: `${uniqueName('lock')}:` });
  const more = options.more?.(slack, connection, logger) ?? {};
  const runner = { ...workerRunner(deps, announce, locks, sink, logger, more), lock: { ttlMs: 10_000, waitMs: 10_000, pollMs: 20 } };
  const worker = startJobWorker({ connection, name: world.queue.queue.name, runner, tuning: FAST });
  const waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const ended = new Map<string, Error | undefined>();
  const end = (id: string, error?: Error) => {
    ended.set(id, error);
    const waiter = waiting.get(id);
    waiting.delete(id);
    if (error) waiter?.reject(error);
    else waiter?.resolve();
  };
  worker.worker.on('completed', (job) => end(job.id ?? ''));
  worker.worker.on('failed', (job, error) => end(job?.id ?? '', error));
  ctx.onTestFinished(async () => {
    await worker.close();
    await Promise.all([sink.flush(), announce.settled()]);
  });
  return {
    completed: (id) => {
      if (ended.has(id)) {
        const error = ended.get(id);
        return error ? Promise.reject(error) : Promise.resolve();
      }
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    flush: () => sink.flush(),
  };
}
