/** The kinds the simulator serves, with what discovery and routing need to know about them. */

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  /** Subresources served next to the main resource: `status`, and `scale` for Deployments. */
  subresources: readonly string[];
  /** Served only where this operator's CRDs are installed (`prometheusOperator` of the simulator's options). */
  crd?: 'prometheus-operator';
}

const ALL = ['all'] as const;
const OPERATOR = ['prometheus-operator'] as const;

function type(
  group: string, version: string, kind: string, plural: string,
  namespaced: boolean, shortNames: readonly string[] = [], categories: readonly string[] = [],
  subresources: readonly string[] = ['status'],
): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, shortNames, categories, subresources };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('', 'v1', 'Namespace', 'namespaces', false, ['ns']),
  type('', 'v1', 'ConfigMap', 'configmaps', true, ['cm'], [], []),
  type('', 'v1', 'Secret', 'secrets', true, [], [], []),
  type('', 'v1', 'Service', 'services', true, ['svc'], ALL),
  type('', 'v1', 'Pod', 'pods', true, ['po'], ALL),
  type('', 'v1', 'Event', 'events', true, ['ev'], [], []),
  type('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ALL, ['status', 'scale']),
  type('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ALL),
  type('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing']),
  type('batch', 'v1', 'Job', 'jobs', true, [], ALL),
  type('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], ALL),
  // prometheus-operator's CRDs, as a cluster running it serves them (names, short names and category
  // as its CRDs declare them): apps' alert rules and their routing.
  { ...type('monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules', true, ['promrule'], OPERATOR, []), crd: 'prometheus-operator' },
  { ...type('monitoring.coreos.com', 'v1alpha1', 'AlertmanagerConfig', 'alertmanagerconfigs', true, ['amcfg'], OPERATOR, []), crd: 'prometheus-operator' },
  // What Nestor's own Helm chart installs (deploy/helm/nestor): stored and served, no controller acts on them.
  type('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], ALL),
  type('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa'], [], []),
  type('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb']),
  type('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, [], [], []),
  type('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, [], [], []),
  type('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, [], [], []),
  type('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, [], [], []),
  { ...type('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors', true, ['smon'], OPERATOR, []), crd: 'prometheus-operator' },
];

export interface ServedTypesOptions {
  /** prometheus-operator's CRDs installed (PrometheusRule, AlertmanagerConfig, ServiceMonitor). Default true. */
  prometheusOperator?: boolean;
}

/** The kinds one simulated cluster serves: every built-in kind, and the CRDs it has installed. */
export function servedTypes(options: ServedTypesOptions = {}): readonly ResourceType[] {
  return RESOURCE_TYPES.filter((t) => t.crd === undefined || (t.crd === 'prometheus-operator' && options.prometheusOperator !== false));
}

export function groupVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function findByPlural(types: readonly ResourceType[], group: string, version: string, plural: string): ResourceType | undefined {
  return types.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
}

export function typeOf(kind: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (!found) throw new Error(`unknown kind ${kind}`);
  return found;
}

/** API groups (excluding the legacy core group) in discovery order, each with its versions, the preferred one first. */
export function apiGroups(types: readonly ResourceType[]): { group: string; versions: string[] }[] {
  const seen = new Map<string, string[]>();
  for (const t of types) {
    if (t.group === '') continue;
    const versions = seen.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    seen.set(t.group, versions);
  }
  return [...seen].map(([group, versions]) => ({ group, versions }));
}
