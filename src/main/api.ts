// Composition root of `nestor api`: the HTTP API (adapters/http) over the bot's services (BullMQ
// on Redis, the Redis approval store, the nestor-config, git, the history; no cluster access),
// the Slack Web API client that posts approval requests, and GitHub delivery ids in Redis; the
// web view too (pages, sign-in with Slack, Bull Board) when NESTOR_WEB_URL is set.
// `nestor bot` serves it too, beside Slack, when NESTOR_API_PORT is set (serveApi).
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { buildApiServer } from '../adapters/http/api-server.js';
import { tokenAuthority } from '../adapters/http/api-tokens.js';
import type { WebOptions } from '../adapters/http/web/web-services.js';
import { bullmqJobListing } from '../adapters/queue/bullmq-job-listing.js';
import type { BullmqJobQueue } from '../adapters/queue/bullmq-queue.js';
import { RedisDeliveryIds } from '../adapters/redis/redis-delivery-ids.js';
import { RedisDriftBoard } from '../adapters/redis/redis-drift-board.js';
import type { SlackClient } from '../adapters/slack/bot/approval-request.js';
import type { BotServices } from '../adapters/slack/bot/bot-services.js';
import type { ApiSettings, Env, ProcessSettings, WebSettings } from './bot-settings.js';
import { botServices, closeBotServices, producerRedis, slackApiOptions } from './bot.js';
import { countedSlackClient } from '../adapters/observability/slack-call-metrics.js';
import { NO_METRICS, type Metrics } from '../core/ports/metrics.js';
import { runUntilSignal } from './run-until-signal.js';
import type { Operations } from '../adapters/observability/operations.js';
import { besideOperations, startOperations } from './operations.js';

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the API on `api.port` over services built elsewhere (by `nestor api` or the bot), which it does not close. */
export async function serveApi(services: BotServices, slack: SlackClient, api: ApiSettings, redis: Redis, logger: Logger, operations?: Operations): Promise<ApiServer> {
  const github = api.githubWebhookSecret
    ? { webhooks: new Webhooks({ secret: api.githubWebhookSecret }), deliveries: new RedisDeliveryIds(redis) }
    : undefined;
  const web = api.web ? webOptions(api.web, services, slack, new RedisDriftBoard(redis)) : undefined;
  const server = await buildApiServer({ ...services, slack, tokens: tokenAuthority(api.tokens), ...(github ? { github } : {}), ...(web ? { web } : {}), ...(operations ? { operations } : {}) }, logger.child({ component: 'api' }));
  await server.listen({ port: api.port, host: '0.0.0.0' });
  const { port } = server.server.address() as AddressInfo;
  logger.info({ port, tokenCount: api.tokens.length, github: Boolean(github), web: api.web?.url }, 'api started');
  return { port, close: () => server.close() };
}

/** The web view over the bot's BullMQ queue and the workers' drift board; people sign in from the bot's own Slack workspace. */
export function webOptions(settings: WebSettings, services: BotServices, slack: SlackClient, drift: WebOptions['drift']): WebOptions {
  const { queue } = services.queue as BullmqJobQueue;
  let workspace: Promise<string | undefined> | undefined;
  return {
    signIn: { url: settings.url, issuer: settings.issuer, clientId: settings.clientId, clientSecret: settings.clientSecret },
    sessionSecret: settings.sessionSecret,
    listing: bullmqJobListing(queue),
    drift,
    boardQueues: [queue],
    workspace: () => (workspace ??= slack.auth.test().then((answer) => answer.team_id, (error: unknown) => {
      workspace = undefined;
      throw error;
    })),
  };
}

/** `metrics`: the process's, counting its Slack calls. */
export async function startApi(settings: ProcessSettings, env: Env, cwd: string, logger: Logger, operations?: Operations, metrics: Metrics = NO_METRICS): Promise<ApiServer> {
  if (!settings.api) throw new Error('nestor api started without its settings (NESTOR_API_TOKENS)');
  const redis = producerRedis(settings.redis, logger);
  const services = botServices(settings, env, cwd, redis, logger, metrics);
  const slack = new webApi.WebClient(settings.botToken, countedSlackClient(metrics, slackApiOptions(settings)));
  const server = await serveApi(services, slack, settings.api, redis, logger, operations);
  return {
    port: server.port,
    close: async () => {
      await server.close();
      await closeBotServices(services, redis);
    },
  };
}

/** `nestor api`: runs until SIGTERM or SIGINT. */
export function runApi(io: CliIo): Promise<void> {
  return runUntilSignal('api', io, async (settings, logger) => {
    const operations = await startOperations('api', settings, logger);
    const { close } = await besideOperations(operations, () => startApi(settings, io.env, io.cwd, logger, operations.ops, operations.metrics));
    return { close };
  }, 'api stopping');
}
