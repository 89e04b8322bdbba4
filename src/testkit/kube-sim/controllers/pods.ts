/** Builders for the Pods and Events the simulated controllers create. */
import { createHash } from 'node:crypto';
import { getIn, isObject, str, type JsonObject, type JsonValue, type KubeObject } from '../object-util.js';

export type PodFailure = 'ImagePullBackOff' | 'CrashLoopBackOff';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function shortHash(input: string, length: number): string {
  const digest = createHash('sha256').update(input).digest();
  return [...digest.subarray(0, length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

export function containersOf(podSpec: JsonValue | undefined): JsonObject[] {
  const list = getIn(podSpec, ['containers']);
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** The tag of an image reference (`registry:5000/org/app:tag` → `tag`), or `latest`. */
export function imageTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const afterSlash = image.slice(lastSlash + 1).split('@')[0] ?? '';
  const colon = afterSlash.lastIndexOf(':');
  return colon >= 0 ? afterSlash.slice(colon + 1) : 'latest';
}

export interface PodInput {
  name: string;
  namespace: string;
  template: JsonObject;
  extraLabels: Record<string, string>;
  owner: KubeObject;
  now: string;
}

export function newPod(input: PodInput): KubeObject {
  const templateMeta = isObject(input.template.metadata) ? input.template.metadata : {};
  const spec = isObject(input.template.spec) ? structuredClone(input.template.spec) : {};
  const labels = { ...(isObject(templateMeta.labels) ? templateMeta.labels : {}), ...input.extraLabels };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.name, namespace: input.namespace, labels,
      ownerReferences: [{
        apiVersion: input.owner.apiVersion, kind: input.owner.kind, name: str(input.owner.metadata.name) ?? '',
        uid: str(input.owner.metadata.uid) ?? '', controller: true, blockOwnerDeletion: true,
      }],
    },
    spec: { ...spec, nodeName: 'sim-node-1' },
    status: pendingStatus(spec, input.now),
  };
}

function containerStatus(container: JsonObject, state: JsonObject, ready: boolean, restartCount = 0): JsonObject {
  return { name: str(container.name) ?? '', image: str(container.image) ?? '', imageID: '', ready, restartCount, started: ready, state };
}

export function pendingStatus(spec: JsonValue, now: string): JsonObject {
  return {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now }],
    containerStatuses: containersOf(spec).map((c) => containerStatus(c, { waiting: { reason: 'ContainerCreating' } }, false)),
    startTime: now,
  };
}

export function runningStatus(spec: JsonValue, now: string, podIp: string): JsonObject {
  return {
    phase: 'Running',
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
    containerStatuses: containersOf(spec).map((c) => containerStatus(c, { running: { startedAt: now } }, true)),
    podIP: podIp,
    startTime: now,
  };
}

export function failingStatus(spec: JsonValue, now: string, failure: PodFailure, failingImage: (image: string) => boolean): JsonObject {
  return {
    phase: failure === 'CrashLoopBackOff' ? 'Running' : 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
    ],
    containerStatuses: containersOf(spec).map((c) => {
      const bad = failingImage(str(c.image) ?? '');
      if (!bad) return containerStatus(c, { running: { startedAt: now } }, true);
      const message = failure === 'CrashLoopBackOff'
        ? `back-off 40s restarting failed container=${str(c.name) ?? ''}`
        : `Back-off pulling image "${str(c.image) ?? ''}"`;
      return containerStatus(c, { waiting: { reason: failure, message } }, false, failure === 'CrashLoopBackOff' ? 3 : 0);
    }),
    startTime: now,
  };
}

export function finishedStatus(spec: JsonValue, now: string, succeeded: boolean, exitCode = succeeded ? 0 : 1): JsonObject {
  const reason = succeeded ? 'Completed' : 'Error';
  return {
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now }],
    containerStatuses: containersOf(spec).map((c) => containerStatus(c, { terminated: { exitCode, reason, finishedAt: now } }, false)),
    startTime: now,
  };
}

export interface EventInput {
  involved: KubeObject;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  component: string;
  now: string;
  suffix: string;
}

export function newEvent(input: EventInput): KubeObject {
  const { involved } = input;
  const name = str(involved.metadata.name) ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${input.suffix}`, namespace: str(involved.metadata.namespace) ?? 'default' },
    involvedObject: {
      apiVersion: involved.apiVersion, kind: involved.kind, name,
      namespace: str(involved.metadata.namespace) ?? 'default', uid: str(involved.metadata.uid) ?? '',
    },
    reason: input.reason,
    message: input.message,
    type: input.type,
    source: { component: input.component },
    reportingComponent: input.component,
    firstTimestamp: input.now,
    lastTimestamp: input.now,
    count: 1,
  };
}
