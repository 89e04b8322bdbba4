// The web view's errors as a small page for a person's browser: the status kept, what was wrong
// and what to do, a way back; never a stack, never a log's detail. Only for a request that asks
// for HTML outside the JSON API (/api/ answers JSON whatever it accepts, as do clients that do
// not name text/html, such as curl).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../api-errors.js';
import { Html, html } from './html.js';
import { STYLE } from './layout.js';

interface Kind {
  title: string;
  /** What to do, when the caller does not say. */
  todo: string;
  link: { href: string; label: string };
}

const HOME = { href: '/', label: 'Back to the environments' };
const SIGN_IN = { href: '/auth/login', label: 'Sign in with Slack' };

const KINDS: Record<number, Kind> = {
  400: { title: 'Bad request', todo: 'Check the address or the form, then try again.', link: HOME },
  401: { title: 'Not signed in', todo: 'Sign in with Slack, then try again.', link: SIGN_IN },
  403: { title: 'Refused', todo: 'If you should be let in, ask whoever runs Nestor.', link: HOME },
  404: { title: 'Not found', todo: 'Check the address, or start from the environments.', link: HOME },
  422: { title: 'Config invalid', todo: 'Fix nestor-config where it says, then reload this page.', link: HOME },
  500: { title: 'Internal error', todo: 'Try again; if it goes on, whoever runs Nestor finds the detail in the API log.', link: HOME },
  503: { title: 'Unavailable', todo: 'Try again in a minute; if it goes on, tell whoever runs Nestor.', link: HOME },
};

function kindOf(status: number): Kind {
  return KINDS[status] ?? (status >= 500 ? KINDS[503]! : KINDS[400]!);
}

/** A browser's request for a page: outside /api/, with text/html among what it accepts. */
export function wantsPage(request: FastifyRequest): boolean {
  if (/^\/api(\/|$)/.test(request.url)) return false;
  const accept = request.headers.accept ?? '';
  return accept.split(',').some((range) => /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i.test(range));
}

export interface PageText {
  /** The heading; the status's when omitted. */
  title?: string;
  /** What was wrong, one line. */
  text: string;
  /** What to do; the status's usual advice when omitted. */
  todo?: string;
  link?: { href: string; label: string };
}

export function errorPage(status: number, { title, text, todo, link }: PageText): Html {
  const kind = kindOf(status);
  const heading = title ?? kind.title;
  const to = link ?? kind.link;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading} &middot; Nestor</title><style>${new Html(STYLE)}</style></head>
<body><main><h1>${heading}</h1>
<p role="alert">${text}</p>
<p>${todo ?? kind.todo}</p>
<p><a href="${to.href}">${to.label}</a></p>
</main></body></html>`;
}

/** The page to a browser; to anything else, the API's one JSON line. */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, page: PageText): FastifyReply {
  if (!wantsPage(request)) return sendError(reply, status, page.text);
  return reply.code(status).type('text/html; charset=utf-8').send(errorPage(status, page).text);
}

/** For the server's error and not-found handlers (api-errors.ts): a page where a browser asks for one. */
export function webErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply | undefined {
  return wantsPage(request) ? sendErrorPage(request, reply, status, { text: status === 500 ? 'Something went wrong in Nestor.' : message }) : undefined;
}
