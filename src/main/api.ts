// Composition root of `nestor api`: the HTTP API (adapters/http) over the bot's services (BullMQ
// on Redis, the Redis approval store, the nestor-config, git, the history; no cluster access),
// the Slack Web API client that posts approval requests, and GitHub delivery ids in Redis.
// `nestor bot` serves it too, beside Slack, when NESTOR_API_PORT is set (serveApi).
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { buildApiServer } from '../adapters/http/api-server.js';
import { tokenAuthority } from '../adapters/http/api-tokens.js';
import { RedisDeliveryIds } from '../adapters/redis/redis-delivery-ids.js';
import type { SlackClient } from '../adapters/slack/bot/approval-request.js';
import type { BotServices } from '../adapters/slack/bot/bot-services.js';
import type { ApiSettings, Env, ProcessSettings } from './bot-settings.js';
import { botServices, closeBotServices, producerRedis } from './bot.js';
import { runUntilSignal } from './run-until-signal.js';

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the API on `api.port` over services built elsewhere (by `nestor api` or the bot), which it does not close. */
export async function serveApi(services: BotServices, slack: SlackClient, api: ApiSettings, redis: Redis, logger: Logger): Promise<ApiServer> {
  const github = api.githubWebhookSecret
    ? { webhooks: new Webhooks({ secret: api.githubWebhookSecret }), deliveries: new RedisDeliveryIds(redis) }
    : undefined;
  const server = await buildApiServer({ ...services, slack, tokens: tokenAuthority(api.tokens), ...(github ? { github } : {}) }, logger.child({ component: 'api' }));
  await server.listen({ port: api.port, host: '0.0.0.0' });
  const { port } = server.server.address() as AddressInfo;
  logger.info({ port, tokenCount: api.tokens.length, github: Boolean(github) }, 'api started');
  return { port, close: () => server.close() };
}

export async function startApi(settings: ProcessSettings, env: Env, cwd: string, logger: Logger): Promise<ApiServer> {
  if (!settings.api) throw new Error('nestor api started without its settings (NESTOR_API_TOKENS)');
  const redis = producerRedis(settings.redis, logger);
  const services = botServices(settings, env, cwd, redis, logger);
  const slack = new webApi.WebClient(settings.botToken, settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {});
  const server = await serveApi(services, slack, settings.api, redis, logger);
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
  return runUntilSignal('api', io, (settings, logger) => startApi(settings, io.env, io.cwd, logger), 'api stopping');
}
