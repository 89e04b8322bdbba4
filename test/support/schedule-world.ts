// The scheduler on the shared redis-server: a BullMQ schedules queue and run records under
// names no other test uses, a config whose schedules a test sets, and schedule workers with
// connections of their own (as separate processes have); all closed when the test ends.
import type { TestContext } from 'vitest';
import type { RepeatOptions } from 'bullmq';
import { BullmqScheduleQueue } from '../../src/adapters/schedules/bullmq-schedule-queue.js';
import { RedisScheduleRuns } from '../../src/adapters/schedules/redis-schedule-runs.js';
import { startScheduleWorker, type ScheduleWorker } from '../../src/adapters/schedules/schedule-worker.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { allSchedules, loadConfigTree } from '../../src/core/config/index.js';
import type { ConfigSource, LoadedConfig } from '../../src/core/ports/config-source.js';
import type { DesiredScheduler } from '../../src/core/ports/schedules.js';
import { createTemplateSet } from '../../src/core/render/template-compiler.js';
import { scheduleHandlers, type ScheduleHandlers } from '../../src/core/schedules/schedule-handlers.js';
import { BASE_PROJECT, files } from './config-fixtures.js';
import { FAST } from './queue-world.js';
import { redisClient, uniqueName } from './redis.js';

export interface ScheduleWorld {
  name: string;
  queue: BullmqScheduleQueue;
  runs: RedisScheduleRuns;
  config: ConfigSource;
  /** Replaces the config: production's `schedules:` lines (each a `name: { … }` line), and `dev/project.yaml` lines. */
  setSchedules(production: readonly string[], dev?: readonly string[]): void;
  startWorker(handlers?: Partial<ScheduleHandlers>): ScheduleWorker;
}

/** `repeat` replaces each scheduler's cron (a minute at least) with a short interval, for firing tests. */
export function scheduleWorld(ctx: TestContext, repeat?: (s: DesiredScheduler) => Omit<RepeatOptions, 'key'>): ScheduleWorld {
  const closers: (() => Promise<void>)[] = [];
  ctx.onTestFinished(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  const name = uniqueName('schedules');
  const producer = redisClient();
  const queue = new BullmqScheduleQueue({ connection: producer, name, ...(repeat ? { repeatOf: repeat } : {}) });
  closers.push(() => queue.close());
  const runsPrefix = `${name}:run:`;
  const runs = new RedisScheduleRuns(producer, runsPrefix);
  let loaded: LoadedConfig | undefined;
  const setSchedules = (production: readonly string[], dev: readonly string[] = []): void => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, ...(production.length ? ['schedules:', ...production.map((l) => `  ${l}`)] : [])],
      'dev/project.yaml': ['parent: production', ...dev],
    }));
    loaded = { tree, templates: createTemplateSet([]) };
  };
  setSchedules([]);
  const config: ConfigSource = { load: async () => loaded! };
  const startWorker = (given: Partial<ScheduleHandlers> = {}): ScheduleWorker => {
    const connection = redisClient({ maxRetriesPerRequest: null });
    const worker = startScheduleWorker({
      connection, name, concurrency: 2, tuning: FAST,
      deps: { handlers: scheduleHandlers(given), runs: new RedisScheduleRuns(connection, runsPrefix), clock: systemClock, schedules: async () => allSchedules((await config.load()).tree) },
    });
    closers.push(() => worker.close());
    return worker;
  };
  return { name, queue, runs, config, setSchedules, startWorker };
}
