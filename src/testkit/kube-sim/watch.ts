/** `?watch=1`: a chunked stream of JSON watch events, resumable from a resourceVersion. */
import type { ServerResponse } from 'node:http';
import { statusBody } from './api-error.js';
import { groupVersion, type ResourceType } from './resource-types.js';
import type { ObjectStore, StoreEvent } from './store.js';
import type { KubeObject } from './object-util.js';
import { metaNamespace } from './object-util.js';

export interface WatchRequest {
  resource: ResourceType;
  namespace: string | undefined;
  query: URLSearchParams;
  matches: (obj: KubeObject) => boolean;
  /** Turns each event's object into what the client asked for (e.g. a one-row Table). */
  present?: (obj: KubeObject) => unknown;
}

export interface OpenWatch {
  close(): void;
}

function line(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

function typed(resource: ResourceType, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: groupVersion(resource), kind: resource.kind };
}

export function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value === '1' || value === 'true';
}

/** Streams events to `res` until the client goes away, the timeout passes or `close()` is called. */
export function serveWatch(store: ObjectStore, req: WatchRequest, res: ServerResponse): OpenWatch {
  const present = (obj: KubeObject): unknown => (req.present ?? ((o) => o))(typed(req.resource, obj));
  const relevant = (e: StoreEvent): boolean =>
    e.resource === req.resource && (req.namespace === undefined || metaNamespace(e.object) === req.namespace) && req.matches(e.object);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  const send = (e: StoreEvent): void => {
    if (relevant(e)) res.write(line(e.type, present(e.object)));
  };
  const since = req.query.get('resourceVersion') ?? '';
  const sendInitial = req.query.get('sendInitialEvents') === 'true' || since === '' || since === '0';
  if (sendInitial) {
    for (const obj of store.list(req.resource, req.namespace).filter(req.matches)) res.write(line('ADDED', present(obj)));
    if (req.query.get('sendInitialEvents') === 'true') {
      res.write(line('BOOKMARK', {
        kind: req.resource.kind, apiVersion: groupVersion(req.resource),
        metadata: { resourceVersion: String(store.resourceVersion()), annotations: { 'k8s.io/initial-events-end': 'true' } },
      }));
    }
  } else if (Number(since) < store.oldestWatchableVersion() - 1) {
    res.end(line('ERROR', statusBody(410, 'Expired', `too old resource version: ${since} (${store.oldestWatchableVersion()})`)));
    return { close: () => undefined };
  } else {
    for (const event of store.eventsSince(Number(since))) send(event);
  }
  const unsubscribe = store.subscribe(send);
  const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? '0');
  const timer = timeoutSeconds > 0 ? setTimeout(() => close(), timeoutSeconds * 1000) : undefined;
  const close = (): void => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  res.on('close', close);
  return { close };
}
