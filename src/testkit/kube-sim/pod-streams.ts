/**
 * The pods' streaming subresources over WebSocket (`exec`, `portforward`) and what tests set for
 * them: where a pod's port leads, what an exec runs, what a pod prints. Errors before the upgrade
 * are answered as HTTP `Status` replies, as the API server does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, apiErrors } from './api-error.js';
import { containersOf } from './controllers/pods.js';
import { getIn, str, type KubeObject } from './object-util.js';
import { serveExec, EXEC_PROTOCOLS, type ExecHandler } from './pod-exec.js';
import type { PodLogBook } from './pod-log-book.js';
import { PORTFORWARD_PROTOCOLS, requestedPorts, servePortForward } from './pod-portforward.js';
import { typeOf } from './resource-types.js';
import type { ObjectStore } from './store.js';
import { offeredProtocols, webSocketServer, type WsSocket } from './websocket.js';

export type { ExecCall, ExecHandler } from './pod-exec.js';

/** What a test sets for the pods' logs and streams. */
export interface PodStreamsHandle {
  /** Appends to what a pod printed: served by `pods/<name>/log`, at once to followers. */
  appendLog(namespace: string, pod: string, text: string): void;
  /** Cuts the connections following the pod's log (as a restarted API server or proxy would). */
  dropLogFollows(namespace: string, pod: string): void;
  /** The pod's `port`, as `portforward` reaches it, is 127.0.0.1:`localPort` (a server the test runs). */
  forwardPort(namespace: string, pod: string, port: number, localPort: number): void;
  /** What `exec` runs in any pod (one handler; the call says which pod, container and command). */
  onExec(handler: ExecHandler): void;
}

const STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|portforward)$/;

function supported(kind: 'exec' | 'portforward'): readonly string[] {
  return kind === 'exec' ? EXEC_PROTOCOLS : PORTFORWARD_PROTOCOLS;
}

function refuse(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  socket.end(`HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function containerOf(pod: KubeObject, name: string, asked: string | null): string {
  const containers = containersOf(pod.spec).map((c) => str(c.name) ?? '');
  if (asked !== null) {
    if (!containers.includes(asked)) throw apiErrors.badRequest(`container ${asked} is not valid for pod ${name}`);
    return asked;
  }
  if (containers.length !== 1) throw apiErrors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  return containers[0]!;
}

export class PodStreams implements PodStreamsHandle {
  private readonly ports = new Map<string, number>();
  private execHandler: ExecHandler | undefined;
  private readonly wss = webSocketServer((offered, req) => {
    const kind = STREAM_PATH.exec(new URL(req.url ?? '/', 'http://simulator').pathname)?.[3] as 'exec' | 'portforward' | undefined;
    return offered.find((p) => kind !== undefined && supported(kind).includes(p));
  });

  constructor(private readonly store: ObjectStore, private readonly logs: PodLogBook) {}

  appendLog(namespace: string, pod: string, text: string): void {
    this.logs.append(`${namespace}/${pod}`, text);
  }

  dropLogFollows(namespace: string, pod: string): void {
    this.logs.endFollows(`${namespace}/${pod}`, true);
  }

  forwardPort(namespace: string, pod: string, port: number, localPort: number): void {
    this.ports.set(`${namespace}/${pod}:${port}`, localPort);
  }

  onExec(handler: ExecHandler): void {
    this.execHandler = handler;
  }

  /** Answers an HTTP upgrade; false when the path is not a pod stream. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return false;
    const [namespace, name, kind] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), match[3] as 'exec' | 'portforward'];
    try {
      const pod = this.store.get(typeOf('Pod'), namespace, name);
      if (!pod) throw apiErrors.notFound({ group: '', plural: 'pods', name });
      if (getIn(pod, ['status', 'phase']) !== 'Running') throw apiErrors.badRequest(`pod ${name} is not running (phase ${str(getIn(pod, ['status', 'phase'])) ?? 'unknown'})`);
      if (!offeredProtocols(req).some((p) => supported(kind).includes(p))) {
        throw apiErrors.badRequest(`${kind} over WebSocket needs one of the subprotocols ${supported(kind).join(', ')}`);
      }
      const start = this.session(kind, pod, url.searchParams);
      this.wss.handleUpgrade(req, socket, head, start);
    } catch (error) {
      refuse(socket, error instanceof ApiError ? error : apiErrors.badRequest(String(error)));
    }
    return true;
  }

  /** What serves the connection once upgraded (its request checked before). */
  private session(kind: 'exec' | 'portforward', pod: KubeObject, query: URLSearchParams): (ws: WsSocket) => void {
    const [namespace, name] = [str(pod.metadata.namespace) ?? '', str(pod.metadata.name) ?? ''];
    if (kind === 'exec') {
      const request = { namespace, pod: name, container: containerOf(pod, name, query.get('container')), query };
      return (ws) => serveExec(ws, request, this.execHandler);
    }
    const request = { namespace, pod: name, uid: str(pod.metadata.uid) ?? '', ports: requestedPorts(query) };
    return (ws) => servePortForward(ws, request, (port) => this.ports.get(`${namespace}/${name}:${port}`));
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
