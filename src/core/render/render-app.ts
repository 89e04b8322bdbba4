// Merged app config + templates -> validated Kubernetes objects, one set per cluster. Pure.
import type { MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';
import { resolveCrons, resolveProcesses } from './app-inputs.js';
import { alertRuleObjects, configMapObjects, cronObjects, processObjects, secretObject } from './app-objects.js';
import { appParts, clusterScope, clustersOf, type AppScope } from './app-scope.js';
import type { TemplateSet } from './template-set.js';
import type { ClusterManifests, KubeObject } from './types.js';

export interface RenderRequest {
  app: string;
  env: string;
  /** Merged and schema-valid; `$NAME` references already resolved. */
  config: MergedConfig;
  /** The image tag is the sha. */
  version: { sha: string; ref?: string };
  /** Procfile text at the deployed commit; else `config.processes`. */
  procfile?: string;
  /** Cronfile text at the deployed commit; else `config.crons`. */
  cronfile?: string;
  templates: TemplateSet;
  /** Value of the `nestor.io/release` label (default: the short sha). */
  release?: string;
  /** When given, the Secret `<app>-secrets` is rendered too (values base64 in `data`). */
  secretValues?: Record<string, string>;
  /** A version of the live secret values, e.g. the Secret's resourceVersion: a change rolls the pods. */
  secretsVersion?: string;
}

/** Order of application: config first, then what reads it, then what routes to it. */
const KIND_ORDER = ['ConfigMap', 'Secret', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'CronJob', 'PrometheusRule', 'AlertmanagerConfig'];

export function renderApp(req: RenderRequest): ClusterManifests[] {
  const processes = resolveProcesses(req.config, req.procfile);
  const crons = resolveCrons(req.config, req.cronfile);
  const clash = crons.find((c) => processes.some(([p]) => p === c.name) || c.name === 'config');
  if (clash) throw new NestorError(ErrorCode.RenderFailed, `cron ${clash.name} has the name of a process; rename one`);
  const parts = appParts(req);
  return clustersOf(req.config).map((cluster) => {
    const scope = clusterScope(parts, cluster);
    const objects = [
      ...configMapObjects(scope),
      ...(req.secretValues ? [secretObject(scope, req.secretValues)] : []),
      ...processes.flatMap(([name, command]) => processObjects(scope, name, command)),
      ...crons.flatMap((c) => cronObjects(scope, c)),
      ...alertRuleObjects(scope, processes.some(([p]) => p === 'web')),
    ];
    return manifests(scope, objects);
  });
}

function manifests(scope: AppScope, objects: KubeObject[]): ClusterManifests {
  const rank = (o: KubeObject) => KIND_ORDER.indexOf(o.kind);
  return {
    cluster: scope.cluster.cluster_name,
    context: scope.cluster.context ?? scope.cluster.cluster_name,
    namespace: scope.namespace,
    // Array.prototype.sort is stable: within a kind, processes stay web-first then by name.
    objects: objects.sort((a, b) => rank(a) - rank(b)),
  };
}
