// The pods of an app in an environment, read through the Kubernetes API (client-node), per
// cluster of the environment, with the KubeConfig that reaches each.
import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { AppTarget } from '../../../core/helpers/helper-target.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { kubeConfigOn } from './kubeconfig-context.js';
import { compareText } from '../../../core/text/compare-text.js';

export interface ClusterPods {
  context: string;
  namespace: string;
  kubeConfig: KubeConfig;
  pods: V1Pod[];
}

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}

/** The container a helper speaks to: the pod's only one (Nestor's pods run one, named by the process). */
export function mainContainer(pod: V1Pod): string {
  return pod.spec?.containers[0]?.name ?? '';
}

export function isReady(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp === undefined && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function clusterError(context: string, err: unknown): NestorError {
  const detail = err instanceof ApiException ? `HTTP ${err.code}` : err instanceof Error ? err.message : String(err);
  return new NestorError(ErrorCode.ClusterUnavailable, `cannot list pods in cluster ${context}: ${detail}`, { cause: err, retryable: true });
}

export async function appPods(target: AppTarget, kubeconfig: string): Promise<ClusterPods[]> {
  return Promise.all(target.clusters.map(async (c) => {
    const kubeConfig = kubeConfigOn(kubeconfig, c.context);
    try {
      const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: c.namespace, labelSelector: target.selector });
      const pods = list.items.sort((a, b) => compareText(podName(a), podName(b)));
      return { context: c.context, namespace: c.namespace, kubeConfig, pods };
    } catch (err) {
      throw clusterError(c.context, err);
    }
  }));
}

/** Throws when no cluster has a pod, naming what was looked for. */
export function checkSomePods(target: AppTarget, found: readonly ClusterPods[], what: string): void {
  if (found.some((c) => c.pods.length > 0)) return;
  const where = found.map((c) => `${c.context}/${c.namespace}`).join(', ');
  throw new NestorError(ErrorCode.ConfigNotFound, `no ${what} of ${target.app} in ${target.env} (${where}, pods labelled ${target.selector}): is it deployed?`);
}
