// The web view of `nestor api` on real parts for page tests: the API world's services, the web
// options built as `nestor api` builds them (main/api.ts webOptions: the BullMQ queue listed and
// on the board, the workspace from the Slack stand-in's auth.test), sign-in against the local
// OIDC stand-in, served on a real port for Chromium. `signIn` runs the whole sign-in over HTTP
// and gives the session cookie, for requests made without a browser. The drift board is the test
// Redis under a prefix of its own: a worker-side part given `drift` publishes where the view reads.
import type { FastifyInstance } from 'fastify';
import type { TestContext } from 'vitest';
import { buildApiServer } from '../../src/adapters/http/api-server.js';
import { tokenAuthority } from '../../src/adapters/http/api-tokens.js';
import { RedisDriftBoard } from '../../src/adapters/redis/redis-drift-board.js';
import type { ApiServices } from '../../src/adapters/http/api-services.js';
import { webOptions } from '../../src/main/api.js';
import { botWorld, type BotWorld } from './bot-world.js';
import { TOKENS } from './api-world.js';
import { freePort } from './redis-server.js';
import { uniqueName } from './redis.js';
import type { ReleaseFixture } from './release-fixture.js';
import { OIDC_CLIENT, SlackOidcStandin } from './slack-oidc-standin.js';

export const SESSION_SECRET = 'web-view-test-session-secret-0123456789';

export interface WebWorld extends BotWorld {
  server: FastifyInstance;
  /** The view's base URL (NESTOR_WEB_URL). */
  webUrl: string;
  oidc: SlackOidcStandin;
  /** The board the view reads the live drift from. */
  drift: RedisDriftBoard;
  /** Signs in as this Slack user (of Nestor's workspace unless `team`) through the stand-in; the `cookie` header of the session. */
  signIn(id: string, name: string, team?: string): Promise<string>;
}

/** `name=value` of each cookie a response sets (a cleared one left out). */
export function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').filter((c) => !c.endsWith('='));
}

/** `services`: some of the API's services replaced (a history that fails, ...). */
export async function webWorld(ctx: TestContext, fixture: ReleaseFixture, services: Partial<ApiServices> = {}): Promise<WebWorld> {
  const world = await botWorld(ctx, fixture);
  const oidc = await SlackOidcStandin.start();
  ctx.onTestFinished(() => oidc.close());
  const port = await freePort();
  const webUrl = `http://127.0.0.1:${port}`;
  const drift = new RedisDriftBoard(world.redis, `${uniqueName('drift')}:`);
  const web = webOptions({ url: webUrl, issuer: oidc.issuer, clientId: OIDC_CLIENT.id, clientSecret: OIDC_CLIENT.secret, sessionSecret: SESSION_SECRET }, world.services, world.app.client, drift);
  const server = await buildApiServer({ ...world.services, slack: world.app.client, tokens: tokenAuthority(TOKENS), web, ...services }, world.services.logger);
  ctx.onTestFinished(() => server.close());
  await server.listen({ port, host: '127.0.0.1' });
  const signIn = async (id: string, name: string, team?: string): Promise<string> => {
    oidc.signInAs(id, name, team);
    const login = await fetch(`${webUrl}/auth/login?next=/`, { redirect: 'manual' });
    const authorize = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location') ?? '', { redirect: 'manual', headers: { cookie: cookiesOf(login).join('; ') } });
    if (callback.status !== 302) throw new Error(`sign-in failed: ${callback.status} ${await callback.text()}`);
    return cookiesOf(callback).join('; ');
  };
  return { ...world, server, webUrl, oidc, drift, signIn };
}
