// A local Slack Web API for tests: a real HTTP server implementing the methods Nestor calls,
// recording every call. Point a WebClient (or Bolt's `clientOptions.slackApiUrl`) at `apiUrl`.
// It can answer 429 with Retry-After for the next N calls of a method, and records what is
// POSTed to response URLs (`responseUrl(id)`) as the method `response_url`. With `socketMode`
// it answers `apps.connections.open` (app-level `xapp-` tokens only) with a WebSocket URL.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { perTest } from './per-test.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token sent, if any. */
  token: string | undefined;
  /** Milliseconds since the epoch when the call arrived. */
  at: number;
  /** The HTTP status answered. */
  status: number;
  /** The `error` of an `ok: false` answer made to fail on purpose (failNext). */
  failed?: string;
}

export interface StandinUser {
  name: string;
  real_name?: string;
  display_name?: string;
  deleted?: boolean;
}

export interface StandinOptions {
  /** Tokens accepted; calls with another get `invalid_auth`. Default: any `xoxb-` token. */
  tokens?: readonly string[];
  /** Workspace members by id, for `users.info` and `users.list` (pages of `limit`, by cursor). */
  users?: Record<string, StandinUser>;
  channelMembers?: Record<string, string[]>;
  /** User groups by handle, with their members' ids. */
  usergroups?: Record<string, string[]>;
  /** Socket Mode: `apps.connections.open` answers `url()` (called anew for each connection). */
  socketMode?: {
    url: () => string;
    /** App-level tokens accepted. Default: any `xapp-` token. */
    appTokens?: readonly string[];
  };
}

type Answer = (args: Record<string, unknown>, call: RecordedCall) => Record<string, unknown>;

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata']);

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) || key === 'payload' ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class SlackApiStandin {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private baseUrl = '';
  private tsCounter = 0;
  private readonly rateLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  private readonly failures = new Map<string, { remaining: number; error: string }>();
  private readonly waiters: { match: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private readonly answers: Record<string, Answer>;

  constructor(private readonly options: StandinOptions = {}) {
    this.answers = {
      'auth.test': () => ({ url: 'https://nestor-test.slack.com/', team: 'Nestor Test', user: 'nestor', team_id: 'T0NESTOR', user_id: 'U0NESTOR', bot_id: 'B0NESTOR', is_enterprise_install: false }),
      'chat.postMessage': (args) => this.posted(args),
      'chat.update': (args) => ({ channel: args['channel'], ts: args['ts'], text: args['text'] ?? '', message: { text: args['text'] ?? '' } }),
      'chat.postEphemeral': () => ({ message_ts: this.nextTs() }),
      'chat.getPermalink': (args) => ({ channel: args['channel'], permalink: `https://nestor-test.slack.com/archives/${String(args['channel'])}/p${String(args['message_ts']).replace('.', '')}` }),
      'users.info': (args) => this.userInfo(String(args['user'] ?? '')),
      'users.list': (args) => this.userList(Number(args['limit'] ?? 0) || 100, String(args['cursor'] ?? '')),
      'usergroups.list': () => ({
        usergroups: Object.entries(this.options.usergroups ?? {}).map(([handle, users], i) => ({ id: `S0${i}`, handle, name: handle, users })),
      }),
      'conversations.members': (args) => ({ members: this.options.channelMembers?.[String(args['channel'])] ?? [], response_metadata: { next_cursor: '' } }),
    };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** What to pass as `slackApiUrl` (with the trailing slash WebClient expects). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url whose POSTs are recorded as calls of `response_url`. */
  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  /** The next `count` calls of `method` get 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, count: number, retryAfterSeconds = 1): void {
    this.rateLimits.set(method, { remaining: count, retryAfterSeconds });
  }

  /** The next `count` calls of `method` answer `{ ok: false, error }`, as Slack does for a refused call (not retried by WebClient). */
  failNext(method: string, count: number, error = 'internal_error'): void {
    this.failures.set(method, { remaining: count, error });
  }

  /** A member joins (or changes): `users.info` and `users.list` answer with it from now on. */
  setUser(id: string, user: StandinUser): void {
    this.options.users = { ...this.options.users, [id]: user };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call (past or future) of `method` matching `match`. */
  waitForCall(method: string, match: (c: RecordedCall) => boolean = () => true): Promise<RecordedCall> {
    const predicate = (c: RecordedCall) => c.method === method && c.status === 200 && c.failed === undefined && match(c);
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: predicate, resolve }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const args = parseBody(await readBody(req), req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : typeof args['token'] === 'string' ? args['token'] : undefined;
    if (url.pathname.startsWith('/response/')) {
      this.record({ method: 'response_url', args: { ...args, id: decodeURIComponent(url.pathname.slice('/response/'.length)) }, token, at: Date.now(), status: 200 });
      return this.send(res, 200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const call: RecordedCall = { method, args, token, at: Date.now(), status: 200 };
    const limited = this.rateLimits.get(method);
    if (limited && limited.remaining > 0) {
      limited.remaining -= 1;
      this.record({ ...call, status: 429 });
      return this.send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfterSeconds) });
    }
    const failing = this.failures.get(method);
    if (failing && failing.remaining > 0) {
      failing.remaining -= 1;
      this.record({ ...call, failed: failing.error });
      return this.send(res, 200, { ok: false, error: failing.error });
    }
    this.record(call);
    this.send(res, 200, this.answer(method, args, call));
  }

  private answer(method: string, args: Record<string, unknown>, call: RecordedCall): Record<string, unknown> {
    if (call.token === undefined) return { ok: false, error: 'not_authed' };
    if (method === 'apps.connections.open') return this.openConnection(call.token);
    const accepted = this.options.tokens ? this.options.tokens.includes(call.token) : call.token.startsWith('xoxb-');
    if (!accepted) return { ok: false, error: 'invalid_auth' };
    const answer = this.answers[method];
    if (!answer) return { ok: false, error: 'unknown_method' };
    return { ok: true, ...answer(args, call) };
  }

  /** As Slack: an app-level token is required, and the URL is good for one connection. */
  private openConnection(token: string): Record<string, unknown> {
    const socket = this.options.socketMode;
    if (!socket) return { ok: false, error: 'unknown_method' };
    if (token.startsWith('xoxb-') || token.startsWith('xoxp-')) return { ok: false, error: 'not_allowed_token_type' };
    const accepted = socket.appTokens ? socket.appTokens.includes(token) : token.startsWith('xapp-');
    if (!accepted) return { ok: false, error: 'invalid_auth' };
    return { ok: true, url: socket.url() };
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(call)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
  }

  private send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${1714557600 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private posted(args: Record<string, unknown>): Record<string, unknown> {
    const ts = this.nextTs();
    const channel = String(args['channel'] ?? '');
    return { channel, ts, message: { type: 'message', user: 'U0NESTOR', bot_id: 'B0NESTOR', ts, text: args['text'] ?? '', blocks: args['blocks'] ?? [] } };
  }

  private member(id: string, user: StandinUser): Record<string, unknown> {
    const real = user.real_name ?? user.name;
    return { id, team_id: 'T0NESTOR', name: user.name, real_name: real, deleted: user.deleted ?? false, is_bot: false, profile: { display_name: user.display_name ?? user.name, real_name: real } };
  }

  private userInfo(id: string): Record<string, unknown> {
    const user = this.options.users?.[id];
    if (!user) return { ok: false, error: 'user_not_found' };
    return { user: this.member(id, user) };
  }

  /** The cursor is the index of the page's first member. */
  private userList(limit: number, cursor: string): Record<string, unknown> {
    const all = Object.entries(this.options.users ?? {});
    const start = cursor === '' ? 0 : Number(cursor);
    const next = start + limit < all.length ? String(start + limit) : '';
    return { members: all.slice(start, start + limit).map(([id, user]) => this.member(id, user)), response_metadata: { next_cursor: next } };
  }

}

export async function startSlackApiStandin(options: StandinOptions = {}): Promise<SlackApiStandin> {
  return new SlackApiStandin(options).start();
}

/** A fresh stand-in for each test of the file or `describe` block that calls it, stopped after each. */
export function useSlackApiStandin(options: StandinOptions = {}): SlackApiStandin {
  return perTest('the Slack API stand-in', () => startSlackApiStandin(options), (standin) => standin.stop());
}
