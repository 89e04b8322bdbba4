// The schedules part of `nestor worker`: the job schedulers reconciled from the config at start
// and at every check (each CHECK_MS; the shared config is fetched then, so a schedule added,
// changed or removed anywhere moves within that time), and the worker running the firings. The
// kinds' handlers are given by worker.ts; those not given fail their firings as not available yet.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BullmqScheduleQueue } from '../adapters/schedules/bullmq-schedule-queue.js';
import { RedisScheduleRuns } from '../adapters/schedules/redis-schedule-runs.js';
import { startScheduleWorker } from '../adapters/schedules/schedule-worker.js';
import type { WorkerTuning } from '../adapters/queue/bullmq-worker.js';
import { allSchedules } from '../core/config/index.js';
import type { Clock } from '../core/ports/clock.js';
import type { ConfigSource } from '../core/ports/config-source.js';
import type { FiringResult } from '../core/schedules/schedule-firing.js';
import { scheduleHandlers, type ScheduleHandlers } from '../core/schedules/schedule-handlers.js';
import { ScheduleReconciler } from '../core/schedules/schedule-reconciler.js';

/** How often a worker looks for a changed config to reconcile. */
export const CHECK_MS = 30_000;

export interface WorkerSchedulesOptions {
  connection: Redis;
  config: ConfigSource;
  clock: Clock;
  logger: Logger;
  handlers?: Partial<ScheduleHandlers>;
  tuning?: WorkerTuning;
}

export interface WorkerSchedules {
  close(): Promise<void>;
  /** The runs going on are told to stop (the stop deadline passed). */
  abort(): void;
}

export function startWorkerSchedules(options: WorkerSchedulesOptions): WorkerSchedules {
  const { connection, config, clock, logger } = options;
  const queue = new BullmqScheduleQueue({ connection, onError: (error) => logger.warn({ err: String(error) }, 'schedules queue error') });
  const reconciler = new ScheduleReconciler({ config, queue });
  const worker = startScheduleWorker({
    connection,
    deps: { handlers: scheduleHandlers(options.handlers), runs: new RedisScheduleRuns(connection), clock, schedules: async () => allSchedules((await config.load()).tree) },
    ...(options.tuning ? { tuning: options.tuning } : {}),
    onFiring: (firing, result) => logger.info({ schedule: `${firing.env}/${firing.name}`, firingId: firing.firingId, ...resultFields(result) }, 'schedule fired'),
    onError: (error) => logger.warn({ err: String(error) }, 'schedules worker error'),
  });
  const stopped = new AbortController();
  const check = async (): Promise<void> => {
    try {
      const result = await reconciler.check();
      if (result) logger.info({ added: result.added, moved: result.moved, removed: result.removed, kept: result.kept.length }, 'schedules reconciled');
    } catch (error) {
      logger.warn({ err: error }, 'schedules not reconciled: will try again');
    }
  };
  const checking = (async () => {
    while (!stopped.signal.aborted) {
      await check();
      await clock.sleep(CHECK_MS, stopped.signal);
    }
  })();
  return {
    close: async () => {
      stopped.abort();
      await checking;
      await worker.close();
      await queue.close();
    },
    abort: () => worker.abort(),
  };
}

function resultFields(result: FiringResult): Record<string, unknown> {
  if (result.result === 'skipped') return { result: 'skipped', why: result.why };
  const { status, error, outcome } = result.run;
  return { result: status, ...(error ? { error } : {}), ...(outcome ? { counts: outcome.counts } : {}) };
}
