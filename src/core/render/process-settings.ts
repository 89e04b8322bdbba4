// Per-process settings of one app on one cluster: the cluster entry gives defaults for every app
// (by process name or `default`), the app's own values override them.
import { quantityValue } from './quantity.js';
import type { ClusterDeploymentConfig, MergedConfig, ResourcesConfig, ScaleConfig } from '../config/schema.js';

export interface ProcessSettings {
  resources: ResourcesConfig | undefined;
  nodeSelector: Record<string, string> | undefined;
  /** Deployment replicas; undefined when an HPA owns them (`hpa_replicas: true`). */
  replicas: number | undefined;
  /** Present when the process gets a HorizontalPodAutoscaler. */
  hpa: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number } | undefined;
}

type PerProcess<T> = Record<string, T> | undefined;

const DEFAULT_CPU_TARGET = 75;

function layers<T>(cluster: PerProcess<T>, app: PerProcess<T>, process: string): T[] {
  return [cluster?.['default'], cluster?.[process], app?.['default'], app?.[process]].filter(
    (v): v is T => v !== undefined && v !== null,
  );
}

export function processSettings(config: MergedConfig, cluster: ClusterDeploymentConfig, process: string): ProcessSettings {
  const scale = Object.assign({}, ...layers(cluster.scales, config.scales, process)) as ScaleConfig;
  return {
    resources: mergeResources(layers(cluster.resources, config.resources, process)),
    nodeSelector: mergeMaps(layers(cluster.nodeSelector, config.nodeSelector, process)),
    ...replicasOf(scale, process, cluster.hpa_replicas === true),
  };
}

/** web always autoscales; others when scaled with max > min or when HPAs own replicas. min 0 = off. */
function replicasOf(scale: ScaleConfig, process: string, hpaOwnsReplicas: boolean): Pick<ProcessSettings, 'replicas' | 'hpa'> {
  const min = scale.minReplicas ?? 1;
  const max = Math.max(scale.maxReplicas ?? min, min);
  if (min === 0) return { replicas: 0, hpa: undefined };
  const wantsHpa = process === 'web' || hpaOwnsReplicas || max > min;
  const hpa = wantsHpa
    ? { minReplicas: min, maxReplicas: max, targetCPUUtilizationPercentage: scale.targetCPUUtilizationPercentage ?? DEFAULT_CPU_TARGET }
    : undefined;
  return { replicas: hpa && hpaOwnsReplicas ? undefined : min, hpa };
}

function mergeResources(list: ResourcesConfig[]): ResourcesConfig | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const r of list) {
    for (const kind of ['limits', 'requests'] as const) {
      const values = r[kind];
      if (!values) continue;
      const target = (out[kind] ??= {});
      for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null) target[k] = String(v);
    }
  }
  clampRequests(out);
  return out;
}

/**
 * A request above its limit is refused by Kubernetes. It happens when an environment lowers the
 * limits (dev clusters) below an app's requests from a parent environment: the limit wins.
 */
function clampRequests(resources: Record<string, Record<string, string>>): void {
  const { limits, requests } = resources;
  if (!limits || !requests) return;
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const [r, l] = [quantityValue(request), quantityValue(limit)];
    if (r !== undefined && l !== undefined && r > l) requests[name] = limit;
  }
}

function mergeMaps(list: Record<string, unknown>[]): Record<string, string> | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const m of list) for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}
