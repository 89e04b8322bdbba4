// In-memory Cluster for unit tests of pipelines: server-side apply with per-manager field
// ownership (maps merge, lists are atomic), label-selector lists, deletes, events, rollouts
// scripted per Deployment name or image pattern, and injectable faults. Errors are built by the
// same functions as the real adapter's, so messages match.
import { isDeepStrictEqual } from 'node:util';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import {
  ApplyResult, applyWaves, describeRef, refOf, secretValues,
  type AppliedObject, type ApplyOptions, type Cluster, type ClusterProvider, type KubeEvent, type KubeObject,
  type ListQuery, type ObjectRef, type PodLogStreamOptions, type RolloutStatus,
} from '../../../core/ports/cluster.js';
import { conflictError, statusError, unavailableError, type ErrorContext, type FieldConflict } from '../../../adapters/kube/client/cluster-errors.js';
import { matchesLabels, parseLabelSelector } from '../../kube-sim/label-selector.js';
import { FakeRollouts, type FakeRollout } from './fake-rollouts.js';
import { applyFields, clone, leafPaths, pathKey, valueAt, type Path } from './field-ownership.js';

export type { FakeRollout } from './fake-rollouts.js';

export type ClusterOperation = 'apply' | 'get' | 'list' | 'delete' | 'rolloutStatus' | 'events' | 'podLog';

export interface FakeFault {
  op?: ClusterOperation;
  match?: (ref: ObjectRef) => boolean;
  /** How many calls fail (default 1; Infinity for ever). */
  times?: number;
  /** Default: ClusterUnavailable as after exhausted retries of HTTP 500. */
  error?: (ctx: ErrorContext) => NestorError;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'IngressClass', 'PriorityClass']);

const MEMORY_LOG_TIME = '2026-01-01T00:00:00Z';

const keyOf = (ref: ObjectRef): string => `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

export class MemoryCluster implements Cluster {
  private readonly objects = new Map<string, KubeObject>();
  private readonly owners = new Map<string, Map<string, Set<string>>>();
  private readonly recorded: KubeEvent[] = [];
  /** What pods printed, by `<namespace>/<pod>` (a test sets them: the fake runs no pods). */
  readonly podLogs = new Map<string, string>();
  private readonly faults: FakeFault[] = [];
  private version = 1;
  readonly rollouts: FakeRollouts;
  /** Every call, in order, for assertions. */
  readonly calls: { op: ClusterOperation; ref?: ObjectRef }[] = [];

  constructor(readonly name: string, namespaces: readonly string[] = ['default', 'kube-system']) {
    this.rollouts = new FakeRollouts((namespace, event) => this.recordEvent(namespace, event));
    for (const ns of namespaces) this.objects.set(keyOf({ apiVersion: 'v1', kind: 'Namespace', name: ns }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }

  /** Scripts the rollout of Deployments named `match` (string) or with an image matching it (RegExp). */
  setRollout(match: string | RegExp, rollout: FakeRollout): void {
    this.rollouts.set(match, rollout);
  }

  injectFault(fault: FakeFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  recordEvent(namespace: string, event: Omit<KubeEvent, 'count'> & { count?: number }): void {
    this.recorded.push({ count: 1, lastTimestamp: new Date(this.version++ * 1000).toISOString(), ...event, involved: { ...event.involved, namespace } });
  }

  /** Every stored object (copies), for assertions. */
  all(): KubeObject[] {
    return [...this.objects.values()].map(clone);
  }

  async apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<AppliedObject[]> {
    const applied: AppliedObject[] = [];
    const secrets = secretValues(objects);
    for (const obj of applyWaves(objects).flat()) {
      options.signal?.throwIfAborted();
      const ref = this.scoped(refOf(obj));
      const ctx: ErrorContext = { cluster: this.name, operation: 'apply', ref, applied, secrets };
      this.enter('apply', ctx);
      applied.push({ ref, result: this.applyOne({ ...obj, metadata: { ...obj.metadata, ...scopeOf(ref) } }, ref, options, ctx) });
    }
    return applied;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.enter('get', { cluster: this.name, operation: 'get', ref });
    const found = this.objects.get(keyOf(this.scoped(ref)));
    return found && clone(found);
  }

  async list(query: ListQuery): Promise<KubeObject[]> {
    this.enter('list', { cluster: this.name, operation: `list in namespace ${query.namespace}` });
    let selector: ReturnType<typeof parseLabelSelector>;
    try {
      selector = parseLabelSelector(query.labelSelector);
    } catch (err) {
      throw new NestorError(ErrorCode.BadInput, `cluster ${this.name}: invalid label selector "${query.labelSelector}": ${err instanceof Error ? err.message : String(err)}`);
    }
    return [...this.objects.values()].filter((o) =>
      query.kinds.some((k) => k.apiVersion === o.apiVersion && k.kind === o.kind)
      && (CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace === query.namespace)
      && matchesLabels(selector, o.metadata.labels ?? {})).map(clone);
  }

  async delete(ref: ObjectRef): Promise<'deleted' | 'absent'> {
    const scoped = this.scoped(ref);
    this.enter('delete', { cluster: this.name, operation: 'delete', ref: scoped });
    const key = keyOf(scoped);
    if (!this.objects.delete(key)) return 'absent';
    this.owners.delete(key);
    if (ref.kind === 'Namespace') {
      for (const [k, o] of this.objects) if (o.metadata.namespace === ref.name) this.objects.delete(k);
    }
    return 'deleted';
  }

  async rolloutStatus(ref: ObjectRef): Promise<RolloutStatus> {
    if (ref.kind !== 'Deployment') throw new NestorError(ErrorCode.BadInput, `rollout status is only read for Deployments, not ${describeRef(ref)}`);
    const scoped = this.scoped(ref);
    this.enter('rolloutStatus', { cluster: this.name, operation: 'read rollout status of', ref: scoped });
    return this.rollouts.status(scoped, this.objects.get(keyOf(scoped)));
  }

  async events(namespace: string, involved: ObjectRef): Promise<KubeEvent[]> {
    this.enter('events', { cluster: this.name, operation: 'list events of', ref: involved });
    return this.recorded.filter((e) => e.involved.namespace === namespace && e.involved.kind === involved.kind && e.involved.name === involved.name)
      .map((e) => ({ ...e, involved: { ...e.involved } }));
  }

  async podLog(namespace: string, pod: string, options: { tailLines?: number } = {}): Promise<string | undefined> {
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace, name: pod };
    this.enter('podLog', { cluster: this.name, operation: 'read the log of', ref });
    const text = this.podLogs.get(`${namespace}/${pod}`) ?? (this.objects.has(keyOf(ref)) ? '' : undefined);
    if (text === undefined || options.tailLines === undefined) return text;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(Math.max(0, lines.length - options.tailLines)).map((l) => `${l}\n`).join('');
  }

  /** The log as it is now, every line stamped with one time (the fake keeps none): a follow ends at once, as one that dropped. */
  async streamPodLog(namespace: string, pod: string, options: PodLogStreamOptions): Promise<void> {
    const text = await this.podLog(namespace, pod);
    if (text === undefined) {
      throw statusError({ cluster: this.name, operation: 'read the log of', ref: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod } }, 404,
        JSON.stringify({ reason: 'NotFound', message: `pods "${pod}" not found` }));
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length > 0 && !options.signal?.aborted) options.onLines(lines.map((line) => ({ at: MEMORY_LOG_TIME, text: line })));
  }

  private applyOne(obj: KubeObject, ref: ObjectRef, options: ApplyOptions, ctx: ErrorContext): ApplyResult {
    if (ref.namespace !== undefined && !this.objects.has(keyOf({ apiVersion: 'v1', kind: 'Namespace', name: ref.namespace }))) {
      throw statusError(ctx, 404, JSON.stringify({ reason: 'NotFound', message: `namespaces "${ref.namespace}" not found` }));
    }
    const key = keyOf(ref);
    const live = this.objects.get(key);
    const owners = new Map([...(this.owners.get(key) ?? new Map<string, Set<string>>())].map(([m, f]) => [m, new Set(f)]));
    const { status: _status, ...desired } = obj;
    const paths = leafPaths(desired);
    const conflicts = live ? this.conflicts(live, desired, paths, owners, options.fieldManager) : [];
    if (conflicts.length > 0 && !options.force) {
      throw conflictError(ctx, conflicts.map((c): FieldConflict => ({ manager: c.manager, field: fieldOf(c.path) })));
    }
    for (const c of conflicts) owners.get(c.manager)?.delete(pathKey(c.path));
    const next = applyFields(live, desired, paths, owners, options.fieldManager);
    owners.set(options.fieldManager, new Set(paths.map(pathKey)));
    const result = !live ? ApplyResult.Created : isDeepStrictEqual(live, next) ? ApplyResult.Unchanged : ApplyResult.Configured;
    if (options.dryRun || result === ApplyResult.Unchanged) return result;
    this.objects.set(key, next);
    this.owners.set(key, owners);
    if (ref.kind === 'Deployment') this.rollouts.changed(ref);
    return result;
  }

  private conflicts(live: KubeObject, desired: object, paths: Path[], owners: Map<string, Set<string>>, manager: string): { manager: string; path: Path }[] {
    const found: { manager: string; path: Path }[] = [];
    for (const path of paths) {
      if (isDeepStrictEqual(valueAt(live, path), valueAt(desired, path))) continue;
      for (const [other, fields] of owners) if (other !== manager && fields.has(pathKey(path))) found.push({ manager: other, path });
    }
    return found;
  }

  private scoped(ref: ObjectRef): ObjectRef {
    const { namespace, ...rest } = ref;
    return CLUSTER_SCOPED.has(ref.kind) ? rest : { ...rest, namespace: namespace ?? 'default' };
  }

  /** Records the call and throws an injected fault when one matches. */
  private enter(op: ClusterOperation, ctx: ErrorContext): void {
    this.calls.push({ op, ...(ctx.ref ? { ref: ctx.ref } : {}) });
    const fault = this.faults.find((f) => (f.times ?? 0) > 0 && (f.op === undefined || f.op === op) && (!f.match || (ctx.ref !== undefined && f.match(ctx.ref))));
    if (!fault) return;
    fault.times = (fault.times ?? 1) - 1;
    throw fault.error ? fault.error(ctx) : unavailableError(ctx, 'HTTP 500: injected fault (after 4 attempts)');
  }
}

function fieldOf(path: Path): string {
  return `.${path.join('.')}`;
}

function scopeOf(ref: ObjectRef): { namespace?: string } {
  return ref.namespace === undefined ? {} : { namespace: ref.namespace };
}

/** One MemoryCluster per context name; `contexts` limits the names (others are ConfigInvalid). */
export class MemoryClusterProvider implements ClusterProvider {
  private readonly clusters = new Map<string, MemoryCluster>();

  constructor(private readonly contexts?: readonly string[]) {}

  cluster(contextName: string): MemoryCluster {
    if (this.contexts && !this.contexts.includes(contextName)) {
      throw new NestorError(ErrorCode.ConfigInvalid, `no kubeconfig context named "${contextName}" (known: ${this.contexts.join(', ') || 'none'})`);
    }
    let cluster = this.clusters.get(contextName);
    if (!cluster) {
      cluster = new MemoryCluster(contextName);
      this.clusters.set(contextName, cluster);
    }
    return cluster;
  }
}
