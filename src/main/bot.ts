// Composition root of `nestor bot`: the Bolt app over real parts (BullMQ on Redis, Redis
// approval store, the nestor-config folder, git; no cluster access), HTTP at
// /slack/events on PORT, or Socket Mode when SLACK_APP_TOKEN is set, and the sweep that expires
// approval requests nobody decided (stopped on close); the HTTP API too when NESTOR_API_PORT is set.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, webApi, type App } from '@slack/bolt';
import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '../adapters/redis/redis-connection.js';
import type { Logger } from 'pino';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { BullmqJobQueue } from '../adapters/queue/bullmq-queue.js';
import { RedisApprovalPostings } from '../adapters/redis/redis-approval-postings.js';
import { RedisApprovalStore } from '../adapters/redis/redis-approval-store.js';
import { BullmqScheduleQueue } from '../adapters/schedules/bullmq-schedule-queue.js';
import { RedisScheduleRuns } from '../adapters/schedules/redis-schedule-runs.js';
import { slackPeople } from '../adapters/slack/slack-people.js';
import { slackTeams } from '../adapters/slack/slack-teams.js';
import { buildBoltApp } from '../adapters/slack/bolt-app.js';
import { startApprovalSweeper, type ApprovalSweeperOptions } from '../adapters/slack/bot/approval-sweep.js';
import type { BotServices } from '../adapters/slack/bot/bot-services.js';
import { policyFromConfig } from '../core/commands/environment-policy.js';
import type { Env, ProcessSettings } from './bot-settings.js';
import { runUntilSignal } from './run-until-signal.js';
import { releaseDeps, runtimeSettings } from './release-runtime.js';
import type { Operations } from '../adapters/observability/operations.js';
import { slackAuthCheck } from '../adapters/observability/slack-auth-check.js';
import { boltLogger } from '../adapters/slack/bot/bolt-logger.js';
import { besideOperations, startOperations } from './operations.js';
import { countedSlackClient, slackReplyCounter } from '../adapters/observability/slack-call-metrics.js';
import { NO_METRICS, type Metrics } from '../core/ports/metrics.js';

export interface BotProcess {
  app: App;
  /** The HTTP port listened on; undefined in Socket Mode. */
  port?: number;
  /** The HTTP API's port, when NESTOR_API_PORT is set. */
  apiPort?: number;
  close(): Promise<void>;
}

/** A Redis client for producers (a URL, or a target from the settings): fails fast when Redis is down instead of queueing commands. */
export function producerRedis(target: RedisTarget | string, logger: Logger): Redis {
  const redis = connectRedis(typeof target === 'string' ? { kind: 'server', url: target } : target, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'redis connection error'));
  return redis;
}

/** `metrics`: the process's, counting its Slack calls (the people and teams lookups). */
export function botServices(settings: ProcessSettings, env: Env, cwd: string, redis: Redis, logger: Logger, metrics: Metrics = NO_METRICS): BotServices {
  // No kubeconfig: the bot, which faces the internet, never holds cluster credentials (status from Slack shows no replica counts).
  const runtime = runtimeSettings(cwd, env, { config: settings.configDir, history: settings.history });
  const deps = releaseDeps(runtime);
  const queue = new BullmqJobQueue({ connection: redis, onError: (error) => logger.debug({ err: String(error) }, 'queue error') });
  const schedules = { queue: new BullmqScheduleQueue({ connection: redis, onError: (error) => logger.debug({ err: String(error) }, 'schedule queue error') }), runs: new RedisScheduleRuns(redis) };
  const slack = new webApi.WebClient(settings.botToken, countedSlackClient(metrics, slackApiOptions(settings)));
  return {
    queue, approvals: new RedisApprovalStore({ redis }), postings: new RedisApprovalPostings({ redis }),
    config: deps.config, source: deps.source, history: deps.history, environment: deps.environment,
    schedules, policyOf: policyFromConfig(deps.config), clock: deps.wallClock, logger, queueReady: () => redis.status === 'ready',
    people: slackPeople(slack, {
      onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'cannot read Slack members: access and approval by name refused'),
    }),
    teamsOf: slackTeams(slack, {
      onError: (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'cannot read Slack user groups: team access refused'),
    }),
  };
}

export interface BotOptions {
  /** The sweep of expired approval requests (every 30 s on Node's timers by default). */
  sweep?: ApprovalSweeperOptions;
  /** /healthz, /readyz and /metrics, served by the HTTP API too when it runs in the bot. */
  operations?: Operations;
  /** Where its Slack calls (Bolt's, the lookups', response_url replies) are counted. */
  metrics?: Metrics;
}

/** The WebClient options every Slack client of a process starts from: the API's URL when set (a stand-in in tests). */
export function slackApiOptions(settings: Pick<ProcessSettings, 'slackApiUrl'>): webApi.WebClientOptions {
  return settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {};
}

export async function startBot(settings: ProcessSettings, env: Env, cwd: string, logger: Logger, options: BotOptions = {}): Promise<BotProcess> {
  const redis = producerRedis(settings.redis, logger);
  const metrics = options.metrics ?? NO_METRICS;
  const services = botServices(settings, env, cwd, redis, logger, metrics);
  const app = buildBoltApp({
    signingSecret: settings.signingSecret, token: settings.botToken, services,
    ...(settings.appToken ? { appToken: settings.appToken } : {}),
    clientOptions: countedSlackClient(metrics, slackApiOptions(settings)), countReply: slackReplyCounter(metrics),
  });
  const started = settings.appToken ? await app.start() : await app.start(settings.port);
  const port = settings.appToken ? undefined : ((started as Server).address() as AddressInfo).port;
  // Expired approval requests lose their buttons in Slack even when nobody clicks.
  const sweeper = startApprovalSweeper(services, app.client, options.sweep);
  // The HTTP API in this process too, over the same services (its own module: Fastify loads only then).
  const api = settings.api ? await (await import('./api.js')).serveApi(services, app.client, settings.api, redis, logger, options.operations) : undefined;
  logger.info({ port, socketMode: Boolean(settings.appToken), ...(api ? { apiPort: api.port } : {}) }, 'bot started');
  return {
    app, ...(port === undefined ? {} : { port }), ...(api ? { apiPort: api.port } : {}),
    close: async () => {
      await api?.close();
      await sweeper.stop();
      await app.stop();
      await closeBotServices(services, redis);
    },
  };
}

/** Closes what botServices opened on `redis`, then `redis`. */
export async function closeBotServices(services: BotServices, redis: Redis): Promise<void> {
  await (services.queue as BullmqJobQueue).close();
  await (services.schedules?.queue as BullmqScheduleQueue | undefined)?.close();
  redis.disconnect();
}

/** `nestor bot`: runs until SIGTERM or SIGINT. */
export function runBot(io: CliIo): Promise<void> {
  return runUntilSignal('bot', io, async (settings, logger) => {
    // Its own client for auth.test: one that fails fast instead of retrying for minutes.
    const slackReady = (metrics: Metrics) => slackAuthCheck(
      new webApi.WebClient(settings.botToken, countedSlackClient(metrics, { retryConfig: { retries: 0 }, timeout: 5_000, logger: boltLogger(logger, LogLevel.ERROR), ...slackApiOptions(settings) })),
      (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'slack auth.test failed: not ready'),
    );
    const operations = await startOperations('bot', settings, logger, { readiness: (metrics) => [slackReady(metrics)] });
    const { close } = await besideOperations(operations, () => startBot(settings, io.env, io.cwd, logger, { operations: operations.ops, metrics: operations.metrics }));
    return { close };
  }, 'bot stopping');
}
