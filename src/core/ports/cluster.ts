// Port: one Kubernetes cluster (one kubeconfig context). Objects are plain JSON as the renderer
// produces them; writes are server-side apply with a field manager, so re-applying is a no-op
// and another manager's fields are never taken silently.

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

/** A kind as the API serves it, e.g. `{ apiVersion: 'apps/v1', kind: 'Deployment' }`. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** One object; `namespace` is absent for cluster-scoped kinds (Namespace). */
export interface ObjectRef extends KindRef {
  namespace?: string;
  name: string;
}

export const ApplyResult = { Created: 'created', Configured: 'configured', Unchanged: 'unchanged' } as const;
export type ApplyResult = (typeof ApplyResult)[keyof typeof ApplyResult];

export interface AppliedObject {
  ref: ObjectRef;
  result: ApplyResult;
}

export interface ApplyOptions {
  /** Owner of the applied fields (`nestor`). */
  fieldManager: string;
  /** Take fields owned by other managers instead of failing with Conflict. Never by default. */
  force?: boolean;
  /** Ask the server what would happen (dryRun=All): nothing is changed. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /**
   * Each object as the caller read it just before (a release's diff read; undefined: absent).
   * Given, the apply tells created, configured or unchanged against it instead of reading each
   * object again before its apply.
   */
  before?: (obj: KubeObject) => KubeObject | undefined;
}

export interface ListQuery {
  /** Namespace of namespaced kinds; ignored for cluster-scoped kinds. */
  namespace: string;
  kinds: readonly KindRef[];
  /** A Kubernetes label selector, e.g. `app=mary,app.kubernetes.io/managed-by=nestor`. */
  labelSelector: string;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

export interface ReplicaCounts {
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

interface RolloutCommon {
  ref: ObjectRef;
  conditions: DeploymentCondition[];
  replicas: ReplicaCounts;
  /** `spec.progressDeadlineSeconds` (Kubernetes default 600). */
  progressDeadlineSeconds: number;
  /** Label selector of the Deployment's pods (from `spec.selector.matchLabels`), when it has one. */
  podSelector?: string;
  /** The Deployment's resourceVersion when it was read: a watch of its rollout follows on from it. */
  resourceVersion?: string;
}

export interface RolloutWatchHandlers {
  /** Each new status of the Deployment, in the order the cluster made them. */
  onChange: (status: RolloutStatus) => void;
  /** The watch stopped on its own (closed by the server, lost, refused): poll from now on. Called once at most. */
  onEnd: () => void;
}

/** Where a Deployment's rollout stands, by the rules of `kubectl rollout status`. */
export type RolloutStatus =
  | (RolloutCommon & { state: 'progressing'; message: string })
  | (RolloutCommon & { state: 'available'; message: string })
  | (RolloutCommon & { state: 'failed'; reason: string; message: string });

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  involved: ObjectRef;
  count: number;
  /** ISO-8601 time the event was last seen, when known. */
  lastTimestamp?: string;
}

export interface Cluster {
  /** The kubeconfig context name (an environment's `cluster_name`). */
  readonly name: string;
  /**
   * Server-side apply in install order (see `sortForApply`); an adapter may apply the objects of
   * one wave (see `applyWaves`) at once, never one before the waves ahead of it. Results in
   * install order, wave by wave.
   * Errors: Conflict (another field manager owns a field; never retried), BadInput (invalid
   * object, missing namespace, unknown kind), NotAuthorized, ClusterUnavailable (retryable,
   * after bounded retries; the message lists the objects already applied in this call).
   */
  apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<AppliedObject[]>;
  /** The live object, or undefined when absent. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /**
   * Objects of the given kinds matching the selector, each with apiVersion and kind set. A kind
   * the cluster does not serve (a CRD not installed) has none: it is skipped, not an error.
   */
  list(query: ListQuery): Promise<KubeObject[]>;
  /** Deletes (dependents in the background); 'absent' when it was already gone. */
  delete(ref: ObjectRef): Promise<'deleted' | 'absent'>;
  /** Deployments only (BadInput otherwise); a missing Deployment is `failed` with reason NotFound. */
  rolloutStatus(ref: ObjectRef): Promise<RolloutStatus>;
  /**
   * Optional: follows a Deployment's rollout from `since` (a status read with its
   * resourceVersion) as the cluster changes it, instead of it being read again and again.
   * Returns the function that stops the watch, or undefined when this status cannot be followed
   * (no resourceVersion, no watch on this cluster): the caller then polls.
   */
  watchRollout?(since: RolloutStatus, handlers: RolloutWatchHandlers): (() => void) | undefined;
  /** Events about `involved`, oldest first. */
  events(namespace: string, involved: ObjectRef): Promise<KubeEvent[]>;
  /**
   * What a pod printed (its only container's log), the last `tailLines` lines when given;
   * undefined when there is no such pod. Errors as `get`.
   */
  podLog(namespace: string, pod: string, options?: { tailLines?: number }): Promise<string | undefined>;
  /**
   * A pod's log line by line, each line with the time it was printed (the API's `timestamps`);
   * resolves when the stream ends: at once without `follow`, else when the container ends, the
   * connection drops or `signal` aborts. Errors (no such pod, a container not started yet) as `get`.
   */
  streamPodLog(namespace: string, pod: string, options: PodLogStreamOptions): Promise<void>;
}

/** One line of a pod's log; `at` is the RFC 3339 time it was printed, when the line came with one. */
export interface PodLogLine {
  at?: string;
  text: string;
}

export interface PodLogStreamOptions {
  /** The container whose log it is. */
  container: string;
  /** Go on with what the container prints later. */
  follow: boolean;
  /** Only what was printed at or after this RFC 3339 time (a follow resumed where it dropped). */
  sinceTime?: string;
  signal?: AbortSignal;
  /** The whole lines of each piece received, in order. */
  onLines(lines: PodLogLine[]): void;
}

export interface ClusterProvider {
  /** The cluster of a kubeconfig context; ConfigInvalid when there is no such context. */
  cluster(contextName: string): Cluster;
}

// ---- small pure helpers shared by adapters and the core ----

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace !== undefined) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** `Deployment dev3/mary-web`, `Namespace dev3`: how objects are named in messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}

/** Install order (Helm's): what others depend on first; unknown kinds last, before nothing. */
export const APPLY_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
  'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job',
  'CronJob', 'IngressClass', 'Ingress',
];

/** A stable sort of objects into install order (input order kept within a kind). */
export function sortForApply<T extends { kind: string }>(objects: readonly T[]): T[] {
  const rank = (kind: string): number => {
    const index = APPLY_ORDER.indexOf(kind);
    return index < 0 ? APPLY_ORDER.length : index;
  };
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o.kind) - rank(b.o.kind) || a.i - b.i).map((x) => x.o);
}

/** Kinds others need before them: a namespace before what it holds, a CRD before its resources. */
const CONTAINERS: ReadonlySet<string> = new Set(['Namespace', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume', 'ClusterRole', 'IngressClass']);
/** What pods read as they start (config, identity, quotas, claims): current before the workloads that start them. */
const POD_INPUTS: ReadonlySet<string> = new Set([
  'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap',
  'PersistentVolumeClaim', 'ClusterRoleBinding', 'Role', 'RoleBinding',
]);

/**
 * The objects in install order (`sortForApply`), cut into waves that may each be applied all at
 * once: containers (Namespace, CRD, ...), then what pods read at start (Secret, ConfigMap, ...),
 * then the rest (Services, workloads, autoscalers, Ingresses, custom resources). No object of a
 * later wave is needed by one of an earlier wave; within a wave none needs another.
 */
export function applyWaves<T extends { kind: string }>(objects: readonly T[]): T[][] {
  const waveOf = (kind: string): number => (CONTAINERS.has(kind) ? 0 : POD_INPUTS.has(kind) ? 1 : 2);
  const waves: T[][] = [[], [], []];
  for (const o of sortForApply(objects)) waves[waveOf(o.kind)]!.push(o);
  return waves.filter((w) => w.length > 0);
}

/** Values of a Secret (data, base64 and decoded; stringData) that must never reach a message. */
export function secretValues(objects: readonly KubeObject[]): string[] {
  const values: string[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'Secret') continue;
    for (const field of ['data', 'stringData'] as const) {
      const map = obj[field];
      if (typeof map !== 'object' || map === null) continue;
      for (const value of Object.values(map)) {
        if (typeof value !== 'string' || value.length === 0) continue;
        values.push(value);
        if (field === 'data') values.push(Buffer.from(value, 'base64').toString('utf8'));
      }
    }
  }
  return values.filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
}

/** Replaces every secret value in `text` by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const value of secrets) out = out.split(value).join('***');
  return out;
}

const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/s;

/** A line of a log read with `timestamps=true` (`<RFC 3339 time> <text>`); a line without one is all text. */
export function timestampedLine(raw: string): PodLogLine {
  const match = TIMESTAMPED.exec(raw);
  return match ? { at: match[1]!, text: match[2]! } : { text: raw };
}
