/** The simulator's HTTP server and `startKubeSimulator`, its programmatic entry point. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, apiErrors, statusBody } from './api-error.js';
import { SimulatedControllers, type ControllersHandle } from './controllers/controllers.js';
import type { ControllerOptions } from './controllers/context.js';
import { createIpAllocator } from './defaults.js';
import { discoveryReply } from './discovery-routes.js';
import { FaultInjector } from './faults.js';
import { readBody, sendJson } from './http-io.js';
import { kubeconfigYaml, writeKubeconfigFile } from './kubeconfig.js';
import { ResourceHandlers } from './resource-handlers.js';
import { PodLogBook } from './pod-log-book.js';
import { servePodLog } from './pod-logs.js';
import { PodStreams, type PodStreamsHandle } from './pod-streams.js';
import { routeResource } from './router.js';
import { servedTypes, type ResourceType } from './resource-types.js';
import { ObjectStore } from './store.js';
import { isWatch, serveWatch, type OpenWatch } from './watch.js';
import { toTable, wantsTable } from './table.js';
import type { KubeObject } from './object-util.js';

export interface KubeSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Controller timing and failure patterns. */
  controllers?: Partial<ControllerOptions>;
  /** `real` (default): controller work fires on timers. `manual`: only on `controllers.advance/settle`. */
  clock?: 'real' | 'manual';
  /** Called with one line per request, e.g. for the CLI's verbose mode. */
  log?: (line: string) => void;
  /**
   * Milliseconds each request waits on a timer before it is answered, as a real API server's
   * round trip (the event loop stays free meanwhile). A watch waits once, before its first byte;
   * its events then stream as they happen. Default 0.
   */
  latencyMs?: number;
  /** prometheus-operator's CRDs installed (PrometheusRule, AlertmanagerConfig, ServiceMonitor); default true. */
  prometheusOperator?: boolean;
}

export interface KubeSimulator {
  readonly url: string;
  readonly port: number;
  readonly store: ObjectStore;
  readonly faults: FaultInjector;
  readonly controllers: ControllersHandle;
  /** Pods' logs, port-forwards and execs, as tests set them. */
  readonly pods: PodStreamsHandle;
  /** Kubeconfig YAML with one context per name, all pointing at this simulator. */
  kubeconfig(contextNames?: readonly string[], namespace?: string): string;
  /** Writes that kubeconfig as `<dir>/kubeconfig` and returns the path. */
  writeKubeconfig(dir: string, contextNames?: readonly string[], namespace?: string): Promise<string>;
  /** Ends watches and hung requests, stops controllers and the server. */
  close(): Promise<void>;
}

export const DEFAULT_CONTEXT = 'kube-sim';

interface Parts {
  store: ObjectStore;
  logs: PodLogBook;
  now: () => Date;
  controllers: ControllersHandle;
  faults: FaultInjector;
  handlers: ResourceHandlers;
  watches: Set<OpenWatch>;
  log?: (line: string) => void;
  closing: { value: boolean };
  latency: Latency;
  served: readonly ResourceType[];
}

/** A timer per request; `close()` ends every wait at once. */
class Latency {
  private readonly waiting = new Map<NodeJS.Timeout, () => void>();

  constructor(readonly ms: number) {}

  wait(): Promise<void> {
    if (this.ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        resolve();
      }, this.ms);
      this.waiting.set(timer, resolve);
    });
  }

  close(): void {
    for (const [timer, resolve] of this.waiting) {
      clearTimeout(timer);
      resolve();
    }
    this.waiting.clear();
  }
}

async function handle(parts: Parts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? 'application/json';
  parts.log?.(`${method} ${url.pathname}${url.search}`);
  const fault = parts.faults.intercept({ method, path: url.pathname, query: url.search, contentType });
  await parts.latency.wait();
  if (parts.closing.value) return void res.destroy();
  if (fault?.kind === 'fail') return sendJson(res, fault.status, fault.body);
  if (fault?.kind === 'hang') {
    await fault.released;
    if (parts.closing.value) return void res.destroy();
  }
  const accept = req.headers.accept;
  const discovery = discoveryReply(parts.served, url.pathname, accept, req.headers.host ?? '127.0.0.1');
  if (discovery) return sendJson(res, discovery.status, discovery.body, discovery.contentType);
  if (servePodLog({ store: parts.store, logs: parts.logs, now: parts.now, watches: parts.watches }, method, url, res)) return;
  const route = routeResource(parts.served, url.pathname);
  if (!route) throw apiErrors.pathNotFound();
  if (method === 'GET' && route.name === undefined && isWatch(url.searchParams)) {
    const matches = parts.handlers.selected({ route, query: url.searchParams });
    const present = wantsTable(accept)
      ? (obj: KubeObject) => toTable(route.resource.kind, [obj], String(obj.metadata.resourceVersion ?? ''), url.searchParams.get('includeObject') ?? undefined, new Date())
      : undefined;
    const watch = serveWatch(parts.store, {
      resource: route.resource, namespace: route.namespace, query: url.searchParams, matches, ...(present ? { present } : {}),
    }, res);
    parts.watches.add(watch);
    res.on('close', () => parts.watches.delete(watch));
    return;
  }
  const reply = parts.handlers.handle({
    route, method, query: url.searchParams, body, contentType, accept: accept ?? '', userAgent: req.headers['user-agent'] ?? '',
  });
  sendJson(res, reply.status, reply.body);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof ApiError) return sendJson(res, error.code, error.toStatus());
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${message}`));
}

export async function startKubeSimulator(options: KubeSimulatorOptions = {}): Promise<KubeSimulator> {
  const now = (): Date => new Date();
  const store = new ObjectStore(now);
  const faults = new FaultInjector();
  const logs = new PodLogBook(now);
  const controllers = new SimulatedControllers(store, options.controllers ?? {}, options.clock ?? 'real', now, logs);
  const pods = new PodStreams(store, logs);
  const handlers = new ResourceHandlers({ store, now, allocateIp: createIpAllocator() });
  const latency = new Latency(options.latencyMs ?? 0);
  const served = servedTypes(options.prometheusOperator === false ? { prometheusOperator: false } : {});
  const parts: Parts = { store, logs, now, controllers, faults, handlers, watches: new Set(), closing: { value: false }, latency, served, ...(options.log ? { log: options.log } : {}) };
  const server = createServer((req, res) => {
    handle(parts, req, res).catch((error: unknown) => sendError(res, error));
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    if (!pods.upgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const contexts = (names: readonly string[], namespace?: string) =>
    names.map((name) => ({ name, server: url, ...(namespace ? { namespace } : {}) }));
  return {
    url, port, store, faults, controllers, pods,
    kubeconfig: (names = [DEFAULT_CONTEXT], namespace) => kubeconfigYaml(contexts(names, namespace)),
    writeKubeconfig: (dir, names = [DEFAULT_CONTEXT], namespace) => writeKubeconfigFile(dir, contexts(names, namespace)),
    close: async () => {
      parts.closing.value = true;
      controllers.close();
      latency.close();
      faults.releaseHung();
      for (const watch of parts.watches) watch.close();
      pods.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
