// Bearer tokens on every route that declares the action it needs (`config.action`): 401 before
// anything else is read when the token is missing or unknown, 403 naming the action or the
// environment when it is out of the token's scope. The Authorization header is never logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './api-errors.js';
import { scopeProblem, type ApiAction, type ApiToken, type TokenAuthority } from './api-tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, for the token's scope; absent: open (the OpenAPI document) or signed otherwise (GitHub). */
    action?: ApiAction;
  }
}

const tokens = new WeakMap<FastifyRequest, ApiToken>();

export function requireTokens(server: FastifyInstance, authority: TokenAuthority): void {
  server.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.action === undefined) return;
    const header = request.headers.authorization ?? '';
    const presented = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (presented === undefined) return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'missing bearer token: send Authorization: Bearer <token>');
    const token = authority.identify(presented);
    if (token === undefined) return sendError(reply.header('www-authenticate', 'Bearer error="invalid_token"'), 401, 'unknown bearer token');
    tokens.set(request, token);
    request.log = request.log.child({ tokenName: token.name });
  });
}

/** The request's token, when its scope allows the route's action (in `env`); else answers 403 and gives undefined. */
export function allowed(request: FastifyRequest, reply: FastifyReply, env?: string): ApiToken | undefined {
  const token = tokens.get(request);
  const action = request.routeOptions.config.action;
  if (token === undefined || action === undefined) {
    void sendError(reply, 401, 'missing bearer token: send Authorization: Bearer <token>');
    return undefined;
  }
  const problem = scopeProblem(token, action, env);
  if (problem === undefined) return token;
  request.log.warn({ action, env }, 'request out of the token scope');
  void sendError(reply, 403, problem);
  return undefined;
}

/** Whether the request's token may read `env` (for listings: what lies out of scope is left out). */
export function mayRead(request: FastifyRequest, env: string): boolean {
  const token = tokens.get(request);
  return token !== undefined && scopeProblem(token, 'read', env) === undefined;
}
