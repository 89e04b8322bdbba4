// A TCP forwarder in front of a local server, on a port of its own that stays the same across
// `close()` and `open()`: closed, every connection is cut and new ones are refused, as when
// the server behind is down; opened again, the same URL works. For "Slack unreachable" tests.
// `hold()` makes the server behind slow rather than down: connections stay open and what either
// side sends waits, in order, until `release()`.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpGate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private held: (() => void)[] | undefined;

  constructor(private readonly targetPort: number, private readonly host = '127.0.0.1') {}

  /** Listens (on the port of the first opening, after that). */
  async open(): Promise<this> {
    const server = createServer((client) => this.forward(client));
    server.listen(this.port, this.host);
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** From now on, bytes in either direction wait (connections stay open) until `release()`. */
  hold(): void {
    this.held ??= [];
  }

  /** How many chunks are held (sent by either side since `hold()`): a call has reached the gate. */
  get holding(): number {
    return this.held?.length ?? 0;
  }

  /** Delivers what was held, in order, and lets bytes through again. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const send of held) send();
  }

  /** Cuts every connection (what was held is dropped) and goes on listening: clients reconnect at once. */
  cut(): void {
    this.held = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Cuts every connection and stops listening: calls fail with ECONNREFUSED. What was held is dropped. */
  async close(): Promise<void> {
    this.held = undefined;
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  private forward(client: Socket): void {
    const upstream = connect(this.targetPort, this.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    this.relay(client, upstream);
    this.relay(upstream, client);
  }

  private relay(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (this.held) this.held.push(send);
      else send();
    });
  }
}
