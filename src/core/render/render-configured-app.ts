// From a loaded config tree to the manifests of one app in one environment: merge, check,
// resolve `$NAME`, apply cluster precedence, render the app and its namespace.
// The config's modules one by one, not its index: that would load the `yaml` package (show.ts) into every render.
import { appConfig, assertValid, type AppConfig } from '../config/app-config.js';
import { withClusterPrecedence } from '../config/cluster-settings.js';
import type { ConfigTree } from '../config/config-tree.js';
import { switchedOff } from '../config/merge.js';
import { resolveReferences, type Environment } from '../config/resolve-references.js';
import { renderApp } from './render-app.js';
import { namespaceManifests } from './namespace-cache.js';
import type { TemplateSet } from './template-set.js';
import type { ClusterManifests } from './types.js';

export interface ConfiguredRender {
  tree: ConfigTree;
  templates: TemplateSet;
  app: string;
  env: string;
  version: { sha: string; ref?: string };
  /** Nestor's process environment, for `$NAME` values. */
  environment: Environment;
  procfile?: string;
  cronfile?: string;
  release?: string;
  secretValues?: Record<string, string>;
  secretsVersion?: string;
  /** `appConfig(tree, app, env)` when the caller merged it already (one merge per job). */
  merged?: AppConfig;
}

export interface ConfiguredManifests {
  /** Per cluster: the Namespace first, then the app's objects in apply order. */
  clusters: ClusterManifests[];
  /** The merged config the manifests were rendered from (references resolved). */
  config: ReturnType<typeof withClusterPrecedence>;
}

/** The config a release renders from (and hashes): references resolved, cluster precedence applied. No render. */
export function configuredConfig(merged: AppConfig, environment: Environment): ConfiguredManifests['config'] {
  assertValid(merged);
  const resolved = { ...merged, config: resolveReferences(merged, environment) };
  const precedence = withClusterPrecedence(resolved);
  // Keep the nulls that switch a process or a cron off, so they also override the repository's files.
  const off = (key: 'processes' | 'crons') => Object.fromEntries(switchedOff(merged.layers, key).map((name) => [name, null]));
  return { ...precedence, processes: { ...precedence.processes, ...off('processes') }, crons: { ...precedence.crons, ...off('crons') } };
}

export function renderConfiguredApp(req: ConfiguredRender): ConfiguredManifests {
  const config = configuredConfig(req.merged ?? appConfig(req.tree, req.app, req.env), req.environment);
  const release = req.release ?? req.version.sha.slice(0, 7);
  const apps = renderApp({
    app: req.app, env: req.env, config, version: req.version, templates: req.templates, release,
    ...(req.procfile === undefined ? {} : { procfile: req.procfile }),
    ...(req.cronfile === undefined ? {} : { cronfile: req.cronfile }),
    ...(req.secretValues === undefined ? {} : { secretValues: req.secretValues }),
    ...(req.secretsVersion === undefined ? {} : { secretsVersion: req.secretsVersion }),
  });
  const namespaces = namespaceManifests(req.templates, req.env, release, config);
  const clusters = apps.map((cluster) => {
    const ns = namespaces.find((n) => n.cluster === cluster.cluster)?.objects ?? [];
    return { ...cluster, objects: [...ns, ...cluster.objects] };
  });
  return { clusters, config };
}
