// Every page of the web view wants a session: one not signed in is sent to sign in with Slack
// (a GET) or refused (anything else); a form of the pages must post the session's CSRF value back.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendErrorPage } from './error-page.js';
import { toSignIn } from './slack-sign-in.js';
import { csrfMatches, sessionOf, type WebSession } from './web-session.js';

const sessions = new WeakMap<FastifyRequest, WebSession>();

/** Adds the check to every route of `scope` (an encapsulated plugin: the pages and the board). */
export function requireSession(scope: FastifyInstance, now: () => number): void {
  scope.addHook('onRequest', async (request, reply) => {
    const session = sessionOf(request, now());
    if (!session) return toSignIn(request, reply);
    sessions.set(request, session);
  });
}

/** Forms of the pages: their fields parsed (no file uploads), and the session's CSRF value checked. */
export function acceptForms(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  scope.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const posted = (request.body as Record<string, unknown> | undefined)?.['csrf'];
    if (!csrfMatches(signedIn(request), posted)) {
      return sendErrorPage(request, reply, 403, { text: 'This form is stale (or was not sent from Nestor\u2019s page): nothing was done.', todo: 'Go back, reload the page and try again.' });
    }
  });
}

/** The session of a request that passed requireSession. */
export function signedIn(request: FastifyRequest): WebSession {
  const session = sessions.get(request);
  if (!session) throw new Error('a page was served without its session check');
  return session;
}
