// One HTTP request to the API server of a kubeconfig context, authenticated the way
// @kubernetes/client-node does it (certificates, tokens, exec plugins), bounded by a timeout.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeRequest {
  method: 'GET' | 'PATCH' | 'DELETE';
  /** Path below the server URL, e.g. `/apis/apps/v1/namespaces/dev3/deployments/mary-web`. */
  path: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one request; rejects with a NetworkError (timeouts included) when no answer came. */
export type Transport = (request: KubeRequest, timeoutMs: number) => Promise<KubeResponse>;

/** No HTTP answer: connection refused or reset, timeout, DNS failure. Always worth a retry. */
export class NetworkError extends Error {
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

function urlOf(server: string, request: KubeRequest): URL {
  const url = new URL(server.replace(/\/+$/, '') + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  return url;
}

function networkError(err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'ENETWORK';
  const message = err instanceof Error ? err.message : String(err);
  return new NetworkError(`${code === 'ENETWORK' ? '' : `${code}: `}${message}`, code, { cause: err });
}

/**
 * One keep-alive agent per transport, made again only when the TLS material changes (an exec
 * plugin's new client certificate). @kubernetes/client-node makes a new agent per request,
 * which costs a connection (and a TLS handshake) per request. Proxies keep the library's agent.
 */
function keepAliveAgents(): (options: https.RequestOptions, proxied: boolean) => void {
  let current: { key: readonly unknown[]; agent: http.Agent } | undefined;
  return (options, proxied) => {
    if (proxied) return;
    const tls = { ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase };
    const key = [options.protocol, ...Object.values(tls), options.rejectUnauthorized, options.servername];
    if (!current || current.key.some((v, i) => v !== key[i])) {
      current?.agent.destroy();
      const agent = options.protocol === 'http:'
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
          keepAlive: true, ...tls,
          ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
          ...(options.servername ? { servername: options.servername } : {}),
        });
      current = { key, agent };
    }
    (options.agent as http.Agent | undefined)?.destroy();
    options.agent = current.agent;
  };
}

/** A watch answered with another status than 200 (e.g. 403: the credentials may not watch). */
export class WatchRefused extends Error {
  constructor(readonly status: number) {
    super(`watch answered HTTP ${status}`);
    this.name = 'WatchRefused';
  }
}

/**
 * Streams the lines of a long answer (a watch) to `onLine` until the server ends it (resolves),
 * `signal` aborts (resolves) or the connection fails (rejects) or answers other than 200 (rejects
 * with WatchRefused).
 */
export type WatchTransport = (request: KubeRequest, onLine: (line: string) => void, signal: AbortSignal) => Promise<void>;

/** The URL and authenticated options of a request to the current context of `kubeConfig`. */
type Prepare = (request: KubeRequest) => Promise<{ url: URL; options: https.RequestOptions }>;

function preparer(kubeConfig: KubeConfig): Prepare {
  const reuseAgent = keepAliveAgents();
  return async (request) => {
    const cluster = kubeConfig.getCurrentCluster();
    const server = cluster?.server;
    if (!server) throw new NetworkError('the kubeconfig context has no cluster server', 'ENOSERVER');
    const options: https.RequestOptions = {
      method: request.method,
      headers: {
        Accept: 'application/json',
        'User-Agent': 'nestor',
        ...(request.contentType ? { 'Content-Type': request.contentType } : {}),
      },
    };
    await kubeConfig.applyToHTTPSOptions(options);
    options.protocol = new URL(server).protocol;
    reuseAgent(options, cluster.proxyUrl !== undefined);
    return { url: urlOf(server, request), options };
  };
}

/** A transport for the current context of `kubeConfig` (one KubeConfig per context), and its watches. */
export function kubeConfigTransports(kubeConfig: KubeConfig): { transport: Transport; watch: WatchTransport } {
  const prepare = preparer(kubeConfig);
  return {
    transport: async (request, timeoutMs) => {
      const { url, options } = await prepare(request);
      return send(url, options, request, timeoutMs);
    },
    watch: async (request, onLine, signal) => {
      const { url, options } = await prepare(request);
      return stream(url, options, onLine, signal);
    },
  };
}

/** A transport for the current context of `kubeConfig` (one KubeConfig per context). */
export function kubeConfigTransport(kubeConfig: KubeConfig): Transport {
  return kubeConfigTransports(kubeConfig).transport;
}

function stream(url: URL, options: https.RequestOptions, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  const module = url.protocol === 'http:' ? http : https;
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return resolve();
    const req = module.request(url, options, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new WatchRefused(res.statusCode ?? 0));
      }
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onLine(line);
      });
      res.on('end', () => resolve());
      res.on('error', (err) => (signal.aborted ? resolve() : reject(networkError(err))));
    });
    const onAbort = (): void => {
      req.destroy();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', (err) => (signal.aborted ? resolve() : reject(networkError(err))));
    req.end();
  });
}

function send(url: URL, options: https.RequestOptions, request: KubeRequest, timeoutMs: number): Promise<KubeResponse> {
  const module = url.protocol === 'http:' ? http : https;
  return new Promise<KubeResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = module.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(() => resolve({
        status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
      })));
      res.on('error', (err) => finish(() => reject(networkError(err))));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(() => reject(new NetworkError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT')));
    }, timeoutMs);
    const onAbort = (): void => {
      req.destroy();
      finish(() => reject(request.signal?.reason ?? new Error('aborted')));
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(() => reject(networkError(err))));
    req.end(request.body);
  });
}
