// What the HTTP stand-ins of the tests (GitHub API, S3) do alike: listen on a free local port,
// read each request's whole body, stop with their connections closed.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class LocalHttpServer {
  private constructor(private readonly server: Server) {}

  /** Listening on 127.0.0.1, a port of its own. */
  static async start(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<LocalHttpServer> {
    const server = createServer((req, res) => void handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new LocalHttpServer(server);
  }

  /** `http://127.0.0.1:<port>`, no trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
