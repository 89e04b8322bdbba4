// A registry with bearer-token auth, as Docker Hub or GHCR ask: a stand-in in front of a real
// registry that answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, issues a
// token at its realm for the right basic credentials, and forwards requests bearing it. It
// records the token requests it got, so a test can check the scope asked for.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegistryCredentials } from '../../src/core/ports/image-registry.js';

export interface TokenRegistryStandin {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Query strings of the token requests received. */
  readonly tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startTokenRegistry(upstream: string, credentials: RegistryCredentials): Promise<TokenRegistryStandin> {
  const tokens = new Set<string>();
  const tokenRequests: URLSearchParams[] = [];
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password.reveal()}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const host = req.headers.host ?? '';
    if (url.pathname === '/token') {
      tokenRequests.push(url.searchParams);
      if (req.headers.authorization !== expected) return void res.writeHead(401).end();
      const token = randomUUID();
      tokens.add(token);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !tokens.has(bearer)) {
      const name = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1] ?? '';
      const challenge = `Bearer realm="http://${host}/token",service="standin-registry"${name ? `,scope="repository:${name}:pull"` : ''}`;
      return void res.writeHead(401, { 'www-authenticate': challenge }).end();
    }
    const accept = req.headers.accept;
    void fetch(`${upstream}${url.pathname}${url.search}`, { method: req.method ?? 'GET', headers: accept ? { accept } : {} }).then(
      (answer) => res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
