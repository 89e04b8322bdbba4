// A worker on a bot world's queue, running the real pipelines (as `nestor worker` composes them)
// on the given release deps, for tests that drive the bot and watch a job run to its end.
import { WebClient } from '@slack/web-api';
import type { TestContext } from 'vitest';
import { startJobWorker } from '../../src/adapters/queue/bullmq-worker.js';
import { RedisLocks } from '../../src/adapters/redis/redis-locks.js';
import { createSlackProgressSink, NOTIFIER_CLIENT_OPTIONS } from '../../src/adapters/slack/notifier/index.js';
import { workerRunner } from '../../src/main/worker.js';
import { announcer } from '../../src/main/worker-announce.js';
import { TOKEN, type BotWorld } from './bot-world.js';
import { FAST } from './queue-world.js';
import { redisClient, uniqueName } from './redis.js';

export interface BotWorker {
  /** Resolves once the job of this id completed (at once if it already did). */
  completed(id: string): Promise<void>;
}

export function startBotWorker(ctx: TestContext, world: BotWorld, deps: Parameters<typeof workerRunner>[0]): BotWorker {
  const connection = redisClient({ maxRetriesPerRequest: null });
  const slack = new WebClient(TOKEN, { ...NOTIFIER_CLIENT_OPTIONS, slackApiUrl: world.slack.apiUrl });
  const sink = createSlackProgressSink({ slack, tuning: { minIntervalMs: 10 } });
  const announce = announcer(slack, world.services.logger);
  const locks = new RedisLocks({ redis: connection, prefix: `${uniqueName('lock')}:` });
  const runner = { ...workerRunner(deps, announce, locks, sink, world.services.logger), lock: { ttlMs: 10_000, waitMs: 10_000, pollMs: 20 } };
  const worker = startJobWorker({ connection, name: world.queue.queue.name, runner, tuning: FAST });
  const done = new Map<string, () => void>();
  const seen = new Set<string>();
  worker.worker.on('completed', (job) => {
    seen.add(job.id ?? '');
    done.get(job.id ?? '')?.();
  });
  ctx.onTestFinished(async () => {
    await worker.close();
    await Promise.all([sink.flush(), announce.settled()]);
  });
  return { completed: (id) => (seen.has(id) ? Promise.resolve() : new Promise((resolve) => done.set(id, resolve))) };
}
