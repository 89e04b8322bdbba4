// The Namespace objects of an app render depend only on the environment, the release, the
// clusters (name, context, namespace) and the templates, not on the app: render and validate them
// once per such key and hand out copies.
import type { ClusterDeploymentConfig, MergedConfig } from '../config/schema.js';
import { renderEnvironment } from './render-environment.js';
import type { TemplateSet } from './template-set.js';
import type { ClusterManifests } from './types.js';

const MAX_CACHED = 256;
const byTemplates = new WeakMap<TemplateSet, Map<string, ClusterManifests[]>>();

/**
 * renderEnvironment without apps and without TLS: one Namespace per cluster. That call reads only
 * `deployments.kubernetes` of the config (cluster_name, context, namespace), hence the key.
 */
export function namespaceManifests(templates: TemplateSet, env: string, release: string, config: MergedConfig): ClusterManifests[] {
  let cache = byTemplates.get(templates);
  if (cache === undefined) {
    cache = new Map();
    byTemplates.set(templates, cache);
  }
  const key = cacheKey(env, release, config.deployments?.kubernetes ?? []);
  let manifests = cache.get(key);
  if (manifests === undefined) {
    manifests = renderEnvironment({ env, config, apps: [], templates, release });
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, manifests);
  }
  return manifests.map((m) => ({ ...m, objects: m.objects.map((o) => copyTree(o)) }));
}

function cacheKey(env: string, release: string, clusters: readonly ClusterDeploymentConfig[]): string {
  return JSON.stringify([env, release, ...clusters.map((c) => [c.cluster_name, c.context ?? null, c.namespace ?? null])]);
}

/** A deep copy of a JSON-like tree, key order kept, `__proto__` kept as data. */
function copyTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyTree(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copyTree((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
