/** Manifests shared by the simulator's integration tests. */
import type { V1ConfigMap, V1Deployment, V1Namespace } from '@kubernetes/client-node';

export function namespace(name: string): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export interface DeploymentInput {
  namespace: string;
  name?: string;
  image?: string;
  replicas?: number;
  progressDeadlineSeconds?: number;
}

export function deployment(input: DeploymentInput): V1Deployment {
  const name = input.name ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: input.namespace, labels: { app: name, 'app.kubernetes.io/managed-by': 'nestor' } },
    spec: {
      replicas: input.replicas ?? 2,
      ...(input.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: input.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, process: 'web' } },
        spec: { containers: [{ name: 'web', image: input.image ?? 'registry.example/kapten/mary:1a2b3c4', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string>, labels: Record<string, string> = {}): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}
