// Sign in with Slack (OpenID Connect, openid-client): /auth/login sends the browser to the
// issuer with a state and a nonce kept in a short signed cookie; /auth/callback trades the code
// for the ID token, checks it (signature, issuer, audience, nonce) and the Slack workspace, and
// opens the session. The issuer's metadata is discovered on the first sign-in (and again after a
// failure), so the API starts while Slack is unreachable; a sign-in then meets a page saying so.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { errorPage, sendErrorPage } from './error-page.js';
import { readSigned, newSession, SESSION_COOKIE, SESSION_HOURS, writeSigned } from './web-session.js';

export interface SignInSettings {
  /** Where people reach the view, without a trailing slash. */
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface SignInDeps {
  settings: SignInSettings;
  /** The Slack workspace (team id) people must belong to: the bot's own. */
  workspace(): Promise<string | undefined>;
  now(): number;
  logger: Logger;
}

const LOGIN_COOKIE = 'nestor_login';
const LOGIN_MINUTES = 10;
const SLACK_USER_ID = 'https://slack.com/user_id';
const SLACK_TEAM_ID = 'https://slack.com/team_id';

interface LoginState {
  state: string;
  nonce: string;
  next: string;
}

/** Only a path of this site: never an absolute URL elsewhere (an open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export function slackSignIn(server: FastifyInstance, deps: SignInDeps): void {
  const { settings } = deps;
  const secure = settings.url.startsWith('https:');
  const redirectUri = `${settings.url}/auth/callback`;
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = (): Promise<oidc.Configuration> => {
    discovered ??= oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, oidc.ClientSecretPost(settings.clientSecret), {
      ...(settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
    }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  /** The issuer's metadata, or a page saying the sign-in cannot be reached (logged with why). */
  const reachable = async (reply: FastifyReply): Promise<oidc.Configuration | undefined> => {
    try {
      return await configuration();
    } catch (error) {
      deps.logger.warn({ issuer: settings.issuer, err: error instanceof Error ? error.message : String(error) }, 'web sign-in: the OpenID Connect issuer could not be reached');
      refuse(reply, 503, 'Slack\u2019s sign-in (the OpenID Connect issuer) could not be reached.', 'Try again in a minute; if it goes on, whoever runs Nestor checks NESTOR_WEB_OIDC_ISSUER and the way out to it.');
      return undefined;
    }
  };

  server.get('/auth/login', async (request, reply) => {
    const config = await reachable(reply);
    if (!config) return reply;
    const login: LoginState = { state: oidc.randomState(), nonce: oidc.randomNonce(), next: safeNext((request.query as { next?: unknown }).next) };
    writeSigned(reply, LOGIN_COOKIE, login, { secure, maxAgeSeconds: LOGIN_MINUTES * 60 });
    const target = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid profile', state: login.state, nonce: login.nonce });
    return reply.redirect(target.href);
  });

  // Not logged at info: its URL carries the authorization code.
  server.get('/auth/callback', { logLevel: 'warn' }, async (request, reply) => {
    const login = readSigned<LoginState>(request, LOGIN_COOKIE);
    reply.clearCookie(LOGIN_COOKIE, { path: '/' });
    if (!login) return refuse(reply, 400, 'The sign-in took too long or was started elsewhere.', 'Sign in again.');
    const config = await reachable(reply);
    if (!config) return reply;
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(request.url, settings.url), { expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
      claims = tokens.claims();
    } catch (error) {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'web sign-in refused');
      return refuse(reply, 401, 'Slack did not confirm who you are.', 'Sign in again.');
    }
    const person = await personOf(deps, claims);
    if ('refused' in person) {
      deps.logger.warn({ user: claims?.sub, why: person.refused }, 'web sign-in refused');
      return refuse(reply, 403, person.refused, 'Sign in with an account of Nestor\u2019s Slack workspace.');
    }
    writeSigned(reply, SESSION_COOKIE, newSession(person, deps.now()), { secure, maxAgeSeconds: SESSION_HOURS * 3600 });
    deps.logger.info({ user: person.name, userId: person.id }, 'web sign-in');
    return reply.redirect(login.next);
  });

  server.post('/auth/logout', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/auth/signed-out');
  });
  server.get('/auth/signed-out', async (_request, reply) => reply.type('text/html; charset=utf-8').send(
    errorPage(200, { title: 'Signed out', text: 'You are signed out.', todo: 'Sign in again to see the pages.', link: SIGN_IN_LINK }).text,
  ));
}

async function personOf(deps: SignInDeps, claims: oidc.IDToken | undefined): Promise<{ id: string; name: string } | { refused: string }> {
  if (!claims) return { refused: 'Slack sent no ID token.' };
  const id = typeof claims[SLACK_USER_ID] === 'string' ? claims[SLACK_USER_ID] : claims.sub;
  const name = typeof claims['name'] === 'string' && claims['name'] !== '' ? claims['name'] : id;
  const workspace = await deps.workspace();
  const team = claims[SLACK_TEAM_ID];
  if (workspace !== undefined && team !== workspace) return { refused: 'You signed in with another Slack workspace than Nestor\u2019s.' };
  return { id, name };
}

const SIGN_IN_LINK = { href: '/auth/login', label: 'Sign in with Slack' };

/** The sign-in's own refusals: always a page (only browsers follow it), with the way to sign in again. */
function refuse(reply: FastifyReply, status: number, text: string, todo: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(errorPage(status, { text, todo, link: SIGN_IN_LINK }).text);
}

/** For the pages: sends a person who is not signed in to the sign-in, back here after. */
export function toSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.method !== 'GET') return sendErrorPage(request, reply, 401, { text: 'You are not signed in (or your session ended): nothing was done.' });
  return reply.redirect(`/auth/login?next=${encodeURIComponent(request.url)}`);
}
