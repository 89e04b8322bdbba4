// What every long-running process (bot, worker, api) serves for its operators: /healthz,
// /readyz and /metrics on NESTOR_HEALTH_PORT, over a Redis connection of their own that fails
// fast (readiness is "Redis answers PING now", and a scrape never waits on a reconnecting
// client). The queue and approval gauges read Redis at scrape time: the fleet's, from any process.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { operations, serveOperations, type Operations, type ReadinessCheck } from '../adapters/observability/operations.js';
import { PrometheusMetrics, type MetricSources } from '../adapters/observability/prometheus-metrics.js';
import { BullmqJobQueue } from '../adapters/queue/bullmq-queue.js';
import { readQueueDepth } from '../adapters/queue/queue-depth.js';
import { RedisApprovalStore } from '../adapters/redis/redis-approval-store.js';
import { connectRedis } from '../adapters/redis/redis-connection.js';
import type { Metrics } from '../core/ports/metrics.js';
import type { ProcessSettings, Role } from './bot-settings.js';

export interface ProcessOperations {
  metrics: PrometheusMetrics;
  ops: Operations;
  /** The port /healthz, /readyz and /metrics are served on. */
  port: number;
  close(): Promise<void>;
}

export interface OperationsInput {
  /** What the process needs besides Redis (the worker's consumer, the bot's Slack auth): made with the process's metrics, to count what they call. */
  readiness?: readonly ReadinessCheck[] | ((metrics: Metrics) => readonly ReadinessCheck[]);
  historyWritesPending?: MetricSources['historyWritesPending'];
}

export async function startOperations(role: Role, settings: ProcessSettings, logger: Logger, input: OperationsInput = {}): Promise<ProcessOperations> {
  const redis = connectRedis(settings.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'operations redis connection error'));
  const jobs = new BullmqJobQueue({ connection: redis, onError: (error) => logger.debug({ err: String(error) }, 'operations queue error') });
  const approvals = new RedisApprovalStore({ redis });
  const metrics = new PrometheusMetrics({
    queue: () => readQueueDepth(jobs.queue as Queue),
    approvalsPending: () => approvals.countPending(new Date()),
    ...(input.historyWritesPending ? { historyWritesPending: input.historyWritesPending } : {}),
  }, { onSourceError: (source, error) => logger.debug({ source, err: error instanceof Error ? error.message : String(error) }, 'metric not read') });
  const redisReady: ReadinessCheck = {
    name: 'redis',
    check: async () => {
      try {
        return (await redis.ping()) === 'PONG';
      } catch (error) {
        throw new Error(`Redis does not answer PING: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
  const readiness = typeof input.readiness === 'function' ? input.readiness(metrics) : input.readiness ?? [];
  const ops = operations(role, [redisReady, ...readiness], metrics);
  const server = await serveOperations(ops, settings.healthPort, (error) => logger.error({ err: error }, 'operations endpoint error'));
  logger.info({ healthPort: server.port }, 'operations endpoints started');
  return {
    metrics, ops, port: server.port,
    close: async () => {
      await server.close();
      await jobs.close();
      redis.disconnect();
    },
  };
}

/**
 * Starts a process's own part beside its endpoints: if it fails to start (a bad setting found
 * while composing) the endpoints close too, so they never keep the process up; once started, they
 * close after it, so /readyz and /metrics last while it finishes its work.
 */
export async function besideOperations<T extends { close(): Promise<void> }>(
  operations: ProcessOperations, start: () => T | Promise<T>,
): Promise<{ started: T; close(): Promise<void> }> {
  let started: T;
  try {
    started = await start();
  } catch (error) {
    await operations.close();
    throw error;
  }
  return {
    started,
    close: async () => {
      await started.close();
      await operations.close();
    },
  };
}
