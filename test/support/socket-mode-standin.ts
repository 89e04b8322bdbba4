// A local Slack Socket Mode server for tests: a WebSocket server on loopback speaking the
// protocol @slack/socket-mode expects. Each connection is greeted with `hello`; the test delivers
// envelopes (`slash_commands`, `interactive`, ...) on the current connection, possibly again
// with `retry_attempt` as Slack redelivers; every ack the client sends back (`{envelope_id,
// payload}`) is recorded with the connection it came on. `refresh()` sends Slack's `disconnect`
// message so the client closes and reconnects; `stop()` ends every connection.
// Give `url()` to the Slack API stand-in's `socketMode` option: `apps.connections.open` then
// answers a fresh `ws://127.0.0.1:PORT/link/?ticket=...` for each connection.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

type WsSocket = WebSocket;

const OPEN = WebSocket.OPEN;
const PATH = '/link/';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What Slack sends over the socket for a request, as Socket Mode documents it. */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface RecordedAck {
  envelopeId: string;
  /** What the client sent as `payload` (Bolt sends `{}` for a bare `ack()`). */
  payload: Record<string, unknown> | undefined;
  /** The connection's number, from 1, in the order they were opened. */
  connection: number;
  at: number;
}

export interface SocketConnection {
  number: number;
  ticket: string;
  /** Envelope ids delivered on this connection, in order. */
  delivered: string[];
  /** When `hello` was sent. */
  greetedAt?: number;
  /** Set when the socket closed: the close code received (1000 when the client closed normally). */
  closed?: { code: number; at: number };
  /** Anything the client sent that is not an ack. */
  other: unknown[];
}

interface Live {
  info: SocketConnection;
  socket: WsSocket;
}

type Waiter = { check: () => boolean; resolve: () => void; reject: (error: Error) => void };

export class SocketModeStandin {
  readonly acks: RecordedAck[] = [];
  readonly connections: SocketConnection[] = [];
  private readonly live: Live[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly tickets = new Set<string>();
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private base = '';
  private ticketCounter = 0;

  constructor(private readonly appId = 'A0NESTOR') {}

  async start(): Promise<this> {
    const http = createServer((_req, res) => void res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only'));
    this.wss = new WebSocketServer({ server: http, path: PATH });
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    this.http = http;
    this.base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${PATH}`;
    return this;
  }

  /** A one-use URL as `apps.connections.open` hands out; a connection with an unknown ticket is refused. */
  url(): string {
    this.ticketCounter += 1;
    const ticket = `ticket-${this.ticketCounter}`;
    this.tickets.add(ticket);
    return `${this.base}?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** The open connection greeted last (Slack delivers on any; one is enough here). */
  get current(): SocketConnection | undefined {
    return this.openLive()?.info;
  }

  /** Sends an envelope on the current connection; `retry_attempt` 0 unless given. */
  deliver(envelope: Pick<Envelope, 'envelope_id' | 'type' | 'payload'> & Partial<Envelope>): Envelope {
    const live = this.openLive();
    if (!live) throw new Error(`no open Socket Mode connection to deliver ${envelope.envelope_id} on`);
    const full: Envelope = { accepts_response_payload: envelope.type !== 'events_api', retry_attempt: 0, retry_reason: '', ...envelope };
    live.info.delivered.push(full.envelope_id);
    live.socket.send(JSON.stringify(full));
    return full;
  }

  /** Acks of `envelopeId` so far (on `connection` when given). */
  acksOf(envelopeId: string, connection?: number): RecordedAck[] {
    return this.acks.filter((a) => a.envelopeId === envelopeId && (connection === undefined || a.connection === connection));
  }

  /** Resolves with the `n`th ack (from 1) of `envelopeId`, past or future; rejects after `timeoutMs`. */
  async waitForAck(envelopeId: string, n = 1, timeoutMs = 5_000): Promise<RecordedAck> {
    await this.waitFor(`ack #${n} of envelope ${envelopeId}`, () => this.acksOf(envelopeId).length >= n, timeoutMs);
    return this.acksOf(envelopeId)[n - 1]!;
  }

  /** Resolves once connection number `n` is open and greeted with `hello`. */
  async waitForConnection(n: number, timeoutMs = 15_000): Promise<SocketConnection> {
    await this.waitFor(`Socket Mode connection #${n}`, () => this.live.some((l) => l.info.number === n && l.info.greetedAt !== undefined && !l.info.closed), timeoutMs);
    return this.connections[n - 1]!;
  }

  /** Resolves once connection number `n` has closed. */
  async waitForClose(n: number, timeoutMs = 5_000): Promise<{ code: number; at: number }> {
    await this.waitFor(`Socket Mode connection #${n} to close`, () => this.connections[n - 1]?.closed !== undefined, timeoutMs);
    return this.connections[n - 1]!.closed!;
  }

  /** Slack's `disconnect` message (as when it recycles the server): the client closes and reconnects. */
  refresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    const live = this.openLive();
    if (!live) throw new Error('no open Socket Mode connection to refresh');
    live.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin' } }));
  }

  async stop(): Promise<void> {
    for (const { socket } of this.live.splice(0)) socket.terminate();
    if (this.wss) await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
    this.wss = undefined;
    if (this.http) {
      this.http.closeAllConnections();
      await new Promise<void>((resolve) => this.http!.close(() => resolve()));
    }
    this.http = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the Socket Mode stand-in was stopped'));
  }

  private accept(socket: WsSocket, request: IncomingMessage): void {
    const ticket = new URL(request.url ?? '/', 'ws://standin').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.close(4001, 'unknown or used ticket');
      return;
    }
    const info: SocketConnection = { number: this.connections.length + 1, ticket, delivered: [], other: [] };
    this.connections.push(info);
    const live: Live = { info, socket };
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.received(info, isBinary ? undefined : data.toString('utf8')));
    socket.on('close', (code) => {
      info.closed = { code, at: Date.now() };
      const i = this.live.indexOf(live);
      if (i >= 0) this.live.splice(i, 1);
      this.notify();
    });
    this.live.push(live);
    socket.send(JSON.stringify({
      type: 'hello', num_connections: this.live.length,
      debug_info: { host: 'applink-standin', build_number: 1, approximate_connection_time: 3_600 },
      connection_info: { app_id: this.appId },
    }), () => {
      info.greetedAt = Date.now();
      this.notify();
    });
  }

  private received(info: SocketConnection, text: string | undefined): void {
    let message: unknown = text;
    try {
      message = text === undefined ? undefined : JSON.parse(text);
    } catch {
      // recorded as text below
    }
    if (typeof message === 'object' && message !== null && typeof (message as { envelope_id?: unknown }).envelope_id === 'string') {
      const { envelope_id: envelopeId, payload } = message as { envelope_id: string; payload?: Record<string, unknown> };
      this.acks.push({ envelopeId, payload, connection: info.number, at: Date.now() });
    } else {
      info.other.push(message);
    }
    this.notify();
  }

  private openLive(): Live | undefined {
    return [...this.live].reverse().find((l) => l.socket.readyState === OPEN && !l.info.closed);
  }

  private waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (!waiter.check()) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

export async function startSocketModeStandin(appId?: string): Promise<SocketModeStandin> {
  return new SocketModeStandin(appId).start();
}
