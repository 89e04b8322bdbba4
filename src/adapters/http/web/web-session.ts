// The web view's session: who signed in with Slack, in a cookie signed by @fastify/cookie
// (HMAC with NESTOR_WEB_SESSION_SECRET), HttpOnly, SameSite=Lax, Secure when the view is served
// over https. It carries a random CSRF value that every form posts back. Nothing else is kept:
// no token of Slack's is stored.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'nestor_session';
/** A signed-in person stays signed in this long. */
export const SESSION_HOURS = 8;

export interface WebSession {
  /** The Slack user id (`U0123ABC`): what approvals match. */
  id: string;
  name: string;
  /** Posted back by every form of the session. */
  csrf: string;
  /** Milliseconds since the epoch. */
  expires: number;
}

export interface CookieOptions {
  secure: boolean;
}

export function newSession(person: { id: string; name: string }, now: number): WebSession {
  return { ...person, csrf: randomBytes(18).toString('base64url'), expires: now + SESSION_HOURS * 3_600_000 };
}

/** A signed cookie's JSON value, or undefined when missing, forged or malformed. */
export function readSigned<T>(request: FastifyRequest, name: string): T | undefined {
  const raw = request.cookies[name];
  if (raw === undefined) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  try {
    return JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeSigned(reply: FastifyReply, name: string, value: unknown, options: CookieOptions & { maxAgeSeconds: number }): void {
  reply.setCookie(name, Buffer.from(JSON.stringify(value)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: options.secure, maxAge: options.maxAgeSeconds,
  });
}

export function sessionOf(request: FastifyRequest, now: number): WebSession | undefined {
  const session = readSigned<WebSession>(request, SESSION_COOKIE);
  if (!session || typeof session.id !== 'string' || typeof session.csrf !== 'string' || !(session.expires > now)) return undefined;
  return session;
}

export function csrfMatches(session: WebSession, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
