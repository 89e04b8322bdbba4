/**
 * `GET /api/v1/namespaces/<ns>/pods/<name>/log`: what a pod printed (a Job's pod prints what the
 * test's `jobRunner` said; any pod what a test appends with `sim.pods.appendLog`), as plain text,
 * with `container`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps` and `follow` honoured
 * as the API server does: a follow sends what is there, then each later write, until the
 * container ends or the client leaves.
 * What `kubectl logs`, client-node's `Log` and Nestor's build read.
 */
import type { ServerResponse } from 'node:http';
import { apiErrors } from './api-error.js';
import { containersOf } from './controllers/pods.js';
import { str, type KubeObject } from './object-util.js';
import type { LogChunk, PodLogBook } from './pod-log-book.js';
import type { ObjectStore } from './store.js';
import { typeOf } from './resource-types.js';
import type { OpenWatch } from './watch.js';

const LOG_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

export interface PodLogParts {
  store: ObjectStore;
  logs: PodLogBook;
  now: () => Date;
  /** Open follows, ended when the simulator closes. */
  watches: Set<OpenWatch>;
}

function sinceOf(query: URLSearchParams, now: Date): Date | undefined {
  const seconds = query.get('sinceSeconds');
  const time = query.get('sinceTime');
  if (seconds !== null && time !== null) throw apiErrors.badRequest('at most one of sinceTime or sinceSeconds may be specified');
  if (seconds !== null) {
    const n = Number(seconds);
    if (!Number.isInteger(n) || n < 1) throw apiErrors.badRequest(`sinceSeconds: Invalid value: ${seconds}: must be greater than 0`);
    return new Date(now.getTime() - n * 1000);
  }
  if (time !== null) {
    const at = new Date(time);
    if (Number.isNaN(at.getTime())) throw apiErrors.badRequest(`sinceTime: Invalid value: "${time}": not an RFC3339 time`);
    return at;
  }
  return undefined;
}

function tailOf(text: string, query: URLSearchParams): string {
  const tail = Number(query.get('tailLines') ?? NaN);
  if (!Number.isInteger(tail) || tail < 0) return text;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - tail)).map((l) => `${l}\n`).join('');
}

function checkContainer(pod: KubeObject, name: string, container: string | null): void {
  const containers = containersOf(pod.spec).map((c) => str(c.name) ?? '');
  if (container !== null && !containers.includes(container)) {
    throw apiErrors.badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (container === null && containers.length > 1) {
    throw apiErrors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  }
}

/** A chunk's text, each line behind the time it was written when `timestamps` (RFC 3339, as the kubelet's). */
function textOf(chunk: LogChunk, timestamps: boolean): string {
  if (!timestamps) return chunk.text;
  const at = chunk.at.toISOString();
  return chunk.text.split(/(?<=\n)/).map((line) => (line === '' ? '' : `${at} ${line}`)).join('');
}

/** Answers a pod log request; false when the path is not one. */
export function servePodLog(parts: PodLogParts, method: string, url: URL, res: ServerResponse): boolean {
  const match = LOG_PATH.exec(url.pathname);
  if (!match || method !== 'GET') return false;
  const [namespace, name] = [decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? '')];
  const pod = parts.store.get(typeOf('Pod'), namespace, name);
  if (!pod) throw apiErrors.notFound({ group: '', plural: 'pods', name });
  checkContainer(pod, name, url.searchParams.get('container'));
  const key = `${namespace}/${name}`;
  const since = sinceOf(url.searchParams, parts.now());
  const timestamps = url.searchParams.get('timestamps') === 'true';
  const text = parts.logs.since(key, since).map((c) => textOf(c, timestamps)).join('');
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
  if (url.searchParams.get('follow') !== 'true') {
    res.end(tailOf(text, url.searchParams));
    return true;
  }
  res.write(tailOf(text, url.searchParams));
  const unfollow = parts.logs.follow(key, {
    write: (chunk) => res.write(textOf(chunk, timestamps)),
    end: (dropped) => {
      unfollow();
      if (dropped) res.destroy();
      else res.end();
    },
  });
  const open: OpenWatch = { close: () => res.end() };
  parts.watches.add(open);
  res.on('close', () => {
    unfollow();
    parts.watches.delete(open);
  });
  return true;
}
