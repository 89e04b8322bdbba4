// `nestor api`'s server on real parts for route tests: the bot world's services (BullMQ and the
// approval store on the test redis-server, the release fixture's config, git and history, the
// Slack API stand-in) with the API's tokens and GitHub check on top, called through
// `fastify.inject`. Its logs land in `world.logs` with the bot's.
import { once } from 'node:events';
import { Webhooks } from '@octokit/webhooks';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestContext } from 'vitest';
import { buildApiServer } from '../../src/adapters/http/api-server.js';
import { tokenAuthority, type ApiToken } from '../../src/adapters/http/api-tokens.js';
import { RedisDeliveryIds } from '../../src/adapters/redis/redis-delivery-ids.js';
import { botWorld, type BotWorld } from './bot-world.js';
import type { ReleaseFixture } from './release-fixture.js';

export const WEBHOOK_SECRET = 'github-webhook-test-secret';

/** Every action in every environment; `dev3-deployer` only deploys to dev3; `reader` only reads dev3. */
export const TOKENS: ApiToken[] = [
  { name: 'ci-main', token: 'ci-main-token-0123456789abcdef', environments: ['*'], actions: ['ci', 'deploy', 'read'] },
  { name: 'dev3-deployer', token: 'dev3-deployer-token-0123456789', environments: ['dev3'], actions: ['deploy'] },
  { name: 'reader', token: 'reader-token-0123456789abcdef', environments: ['dev3'], actions: ['read'] },
  { name: 'alice-ci', token: 'alice-ci-token-0123456789abcdef', environments: ['*'], actions: ['deploy'], user: 'alice' },
];

export interface ApiWorld extends BotWorld {
  server: FastifyInstance;
  /** A request with the bearer token of `tokenName` (none when undefined). */
  call(tokenName: string | undefined, request: InjectOptions): Promise<LightMyRequestResponse>;
  /** A GitHub webhook delivery of `event`, signed with `secret`. */
  github(event: string, delivery: string, payload: unknown, secret?: string): Promise<LightMyRequestResponse>;
}

export async function apiWorld(ctx: TestContext, fixture: ReleaseFixture): Promise<ApiWorld> {
  const world = await botWorld(ctx, fixture);
  // The queue's client refuses commands until connected (as in `nestor api`, where it is up by the first request).
  if (world.redis.status !== 'ready') await once(world.redis, 'ready');
  const github = { webhooks: new Webhooks({ secret: WEBHOOK_SECRET }), deliveries: new RedisDeliveryIds(world.redis, `${world.prefix}delivery:`) };
  const server = await buildApiServer({ ...world.services, slack: world.app.client, tokens: tokenAuthority(TOKENS), github }, world.services.logger);
  ctx.onTestFinished(() => server.close());
  const call = (tokenName: string | undefined, request: InjectOptions) => {
    const token = TOKENS.find((t) => t.name === tokenName)?.token;
    return server.inject({ ...request, headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  };
  const sendGithub = async (event: string, delivery: string, payload: unknown, secret = WEBHOOK_SECRET) => {
    const body = JSON.stringify(payload);
    const signature = await new Webhooks({ secret }).sign(body);
    return server.inject({
      method: 'POST', url: '/api/v1/github', payload: body,
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    });
  };
  return { ...world, server, call, github: sendGithub };
}
