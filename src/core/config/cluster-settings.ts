// Which wins between an environment's cluster settings and an app's own, for scales, resources
// and nodeSelector: the closer environment. dev3's `deployments.kubernetes[].scales.default`
// caps every app in dev3 even though production/apps/mary.yaml sets mary's scale, while
// production/apps/mary.yaml overrides production's cluster defaults, and dev3/apps/mary.yaml
// overrides dev3's. Renderers then apply: cluster `default` < cluster[process] < app[process].
import { isPlainObject, type ParsedFile } from './config-file.js';
import type { AppConfig } from './app-config.js';
import { mergeLayers } from './merge.js';
import type { ClusterDeploymentConfig, MergedConfig } from './schema.js';

const PER_PROCESS_KEYS = ['scales', 'resources', 'nodeSelector'] as const;
type PerProcessKey = (typeof PER_PROCESS_KEYS)[number];
type PerProcessMap = Record<string, Record<string, unknown>>;

function envOf(layer: ParsedFile): string {
  return layer.file.path.split('/')[0]!;
}

function pick(layers: ParsedFile[], key: PerProcessKey): PerProcessMap | undefined {
  const parts = layers.filter((l) => l.data[key] !== undefined).map((l) => ({ ...l, data: { [key]: l.data[key] } }));
  if (parts.length === 0) return undefined;
  return mergeLayers(parts)[key] as PerProcessMap | undefined;
}

function foldInto(cluster: ClusterDeploymentConfig, key: PerProcessKey, inherited: PerProcessMap): ClusterDeploymentConfig {
  const own = (cluster[key] ?? {}) as PerProcessMap;
  const folded: PerProcessMap = { ...own };
  for (const [process, value] of Object.entries(inherited)) {
    if (process === 'default' || !isPlainObject(value)) continue;
    const layer = (data: unknown) => ({ file: { path: '', text: '' }, data: { v: data ?? {} } });
    folded[process] = mergeLayers([layer(value), layer(own.default), layer(own[process])]).v as Record<string, unknown>;
  }
  return { ...cluster, [key]: folded };
}

/**
 * The merged config with app settings inherited from environments above the one that defines
 * the clusters folded under those clusters' own settings.
 */
export function withClusterPrecedence(config: AppConfig): MergedConfig {
  const envs = config.layers.filter((l) => /\/project\.ya?ml$/.test(l.file.path)).map(envOf);
  const definingDepth = Math.max(
    0,
    ...config.layers.filter((l) => isPlainObject(l.data.deployments) && l.data.deployments.kubernetes !== undefined).map((l) => envs.indexOf(envOf(l))),
  );
  const appLayers = config.layers.filter((l) => l.file.path.includes('/apps/'));
  const shallow = appLayers.filter((l) => envs.indexOf(envOf(l)) < definingDepth);
  if (shallow.length === 0) return config.config;
  const deep = appLayers.filter((l) => envs.indexOf(envOf(l)) >= definingDepth);
  const result: MergedConfig = { ...config.config };
  let clusters = config.config.deployments?.kubernetes ?? [];
  for (const key of PER_PROCESS_KEYS) {
    const inherited = pick(shallow, key);
    if (inherited) clusters = clusters.map((c) => foldInto(c, key, inherited));
    const own = pick(deep, key);
    if (own === undefined) delete result[key];
    else (result as Record<string, unknown>)[key] = own;
  }
  result.deployments = { ...config.config.deployments, kubernetes: clusters };
  return result;
}
