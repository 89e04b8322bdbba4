/**
 * `GET /api/v1/namespaces/<ns>/pods/<name>/log`: what a pod printed (the simulated controllers
 * keep it: a Job's pod prints what the test's `jobRunner` said), as plain text, `tailLines` and
 * `container` honoured as the API server does. What `kubectl logs` and Nestor's build read.
 */
import type { ServerResponse } from 'node:http';
import { apiErrors } from './api-error.js';
import type { ControllersHandle } from './controllers/controllers.js';
import { containersOf } from './controllers/pods.js';
import { str } from './object-util.js';
import type { ObjectStore } from './store.js';
import { typeOf } from './resource-types.js';

const LOG_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

/** Answers a pod log request; false when the path is not one. */
export function servePodLog(
  parts: { store: ObjectStore; controllers: ControllersHandle }, method: string, url: URL, res: ServerResponse,
): boolean {
  const match = LOG_PATH.exec(url.pathname);
  if (!match || method !== 'GET') return false;
  const [namespace, name] = [decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? '')];
  const pod = parts.store.get(typeOf('Pod'), namespace, name);
  if (!pod) throw apiErrors.notFound({ group: '', plural: 'pods', name });
  const containers = containersOf(pod.spec).map((c) => str(c.name) ?? '');
  const container = url.searchParams.get('container');
  if (container !== null && !containers.includes(container)) {
    throw apiErrors.badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (container === null && containers.length > 1) {
    throw apiErrors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  }
  const text = parts.controllers.podLog(namespace, name) ?? '';
  const tail = Number(url.searchParams.get('tailLines') ?? NaN);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const shown = Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(shown.map((l) => `${l}\n`).join(''));
  return true;
}
