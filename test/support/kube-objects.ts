// Small builders of the plain objects the renderer produces, for cluster tests.
import type { KubeObject, ObjectRef } from '../../src/core/ports/cluster.js';

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function configMapObject(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { app: 'mary' } }, data };
}

export function deploymentObject(namespace: string, name: string, image: string, extra: { replicas?: number; progressDeadlineSeconds?: number } = {}): KubeObject {
  const labels = { app: 'mary', process: name };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels },
    spec: {
      replicas: extra.replicas ?? 1, progressDeadlineSeconds: extra.progressDeadlineSeconds ?? 60, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

export function refTo(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
}
