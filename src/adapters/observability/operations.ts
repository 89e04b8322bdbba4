// The operations endpoints of a long-running process, for Kubernetes probes and Prometheus:
// GET /healthz (200 while the process is alive), GET /readyz (200 when every readiness check
// passes, else 503 naming those that do not) and GET /metrics (Prometheus text). Served on their
// own port by node:http (serveOperations), and on the API's Fastify server too (operationsRoutes).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/** One thing the process needs to do its work: Redis answering, the queue consumer running... */
export interface ReadinessCheck {
  name: string;
  /** True when ready; false or a rejection (its message shown) when not. */
  check(): Promise<boolean> | boolean;
}

export interface OperationsAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface Operations {
  healthz(): OperationsAnswer;
  readyz(): Promise<OperationsAnswer>;
  metrics(): Promise<OperationsAnswer>;
}

export const OPERATIONS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

const json = (status: number, body: unknown): OperationsAnswer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });

export function operations(role: string, checks: readonly ReadinessCheck[], metrics: PrometheusMetrics): Operations {
  return {
    healthz: () => json(200, { status: 'alive', role }),
    readyz: async () => {
      const results = await Promise.all(checks.map(async ({ name, check }) => {
        try {
          return (await check()) ? undefined : { name, problem: 'not ready' };
        } catch (error) {
          return { name, problem: error instanceof Error ? error.message : String(error) };
        }
      }));
      const notReady = results.filter((r) => r !== undefined);
      return notReady.length === 0
        ? json(200, { status: 'ready', role, checks: checks.map((c) => c.name) })
        : json(503, { status: 'not ready', role, notReady });
    },
    metrics: async () => {
      const { contentType, body } = await metrics.text();
      return { status: 200, contentType, body };
    },
  };
}

function answerOf(ops: Operations, path: string): Promise<OperationsAnswer> | OperationsAnswer | undefined {
  if (path === '/healthz') return ops.healthz();
  if (path === '/readyz') return ops.readyz();
  if (path === '/metrics') return ops.metrics();
  return undefined;
}

export interface OperationsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the three endpoints on `port` (0: a free one); anything else is a 404. */
export async function serveOperations(ops: Operations, port: number, onError: (error: unknown) => void): Promise<OperationsServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const answer = request.method === 'GET' || request.method === 'HEAD' ? answerOf(ops, path) : undefined;
    void Promise.resolve(answer ?? json(404, { error: `no ${request.method ?? ''} ${path} here: GET ${OPERATIONS_PATHS.join(', ')}` }))
      .catch((error: unknown): OperationsAnswer => {
        onError(error);
        return json(500, { error: 'internal error' });
      })
      .then((a) => {
        response.writeHead(a.status, { 'content-type': a.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : a.body);
      });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(
      error.code === 'EADDRINUSE' ? new Error(`the operations port ${port} is in use (another Nestor process on this host?): set NESTOR_HEALTH_PORT to a free port`, { cause: error }) : error,
    ));
    server.listen(port, '0.0.0.0', () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** The same three endpoints as routes of a Fastify server (the API), open, and logged only when they fail. */
export function operationsRoutes(server: FastifyInstance, ops: Operations): void {
  for (const path of OPERATIONS_PATHS) {
    server.get(path, { logLevel: 'warn' }, async (_request, reply) => {
      const answer = await answerOf(ops, path)!;
      return reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
    });
  }
}
