// Cluster on a real API server: server-side apply over raw, authenticated requests (see
// http-transport.ts), bounded retries of transient failures, errors as one line per cause.
import { isDeepStrictEqual } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import {
  ApplyResult, applyWaves, describeRef, refOf, secretValues,
  type AppliedObject, type ApplyOptions, type Cluster, type KubeEvent, type KubeObject, type ListQuery,
  type ObjectRef, type PodLogStreamOptions, type RolloutStatus, type RolloutWatchHandlers,
} from '../../../core/ports/cluster.js';
import { statusError, unavailableError, type ErrorContext } from './cluster-errors.js';
import { Discovery } from './discovery.js';
import { WatchRefused, type KubeRequest, type KubeResponse, type Transport, type WatchTransport } from './http-transport.js';
import { eventsOf, itemsOf, parseObject, watchEventOf } from './kube-json.js';
import { streamPodLog } from './kube-pod-log.js';
import { RetriesExhausted, sendWithRetry, type KubeRetryPolicy } from './retry.js';
import { rolloutStatusOf } from './rollout-status.js';

export interface KubeClusterOptions {
  /** The kubeconfig context name. */
  name: string;
  transport: Transport;
  /** Streams watches; without it rollouts are polled. */
  watch?: WatchTransport;
  retry: KubeRetryPolicy;
  /** Namespace of namespaced objects that name none (the context's, else `default`). */
  defaultNamespace: string;
  /** The context's kubeconfig, for the streams client-node reads itself (a followed pod log). */
  kubeConfig?: KubeConfig;
}

const APPLY_CONTENT_TYPE = 'application/apply-patch+yaml';
/** Set by the server: never sent in an apply (managedFields would be refused). */
const SERVER_FIELDS = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

/** Answers saying this cluster will not let these credentials watch: no rollout is watched again there. */
const WATCH_NOT_ALLOWED: ReadonlySet<number> = new Set([401, 403, 404, 405]);

/** How long a rollout watch is asked to last; the caller reads the Deployment again and watches anew after it. */
const WATCH_SECONDS = 60;
const WATCH_MARGIN_SECONDS = 15;

class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}`);
  }
}

function forApply(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata };
  for (const field of SERVER_FIELDS) delete metadata[field];
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata };
}

/** What an apply can change: everything but bookkeeping and status. */
function content(obj: KubeObject): unknown {
  const { managedFields: _m, resourceVersion: _r, ...metadata } = obj.metadata;
  const { status: _s, ...rest } = obj;
  return { ...rest, metadata };
}

export class KubeCluster implements Cluster {
  readonly name: string;
  private readonly discovery: Discovery;
  /** A watch was refused as not allowed: rollouts are polled, without asking again at each poll. */
  private watchesRefused = false;

  constructor(private readonly options: KubeClusterOptions) {
    this.name = options.name;
    this.discovery = new Discovery(options.name, async (path) => {
      const response = await this.request({ method: 'GET', path }, true);
      return response === undefined ? undefined : JSON.parse(response) as object;
    });
  }

  /**
   * Wave after wave (see `applyWaves`), each wave's objects all at once: a round trip per wave,
   * not per object. A failure stops the apply once its wave has settled, so that the error lists
   * every object applied in this call; the first failure in install order is the one thrown.
   */
  async apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<AppliedObject[]> {
    const applied: AppliedObject[] = [];
    const secrets = secretValues(objects);
    for (const wave of applyWaves(objects)) {
      options.signal?.throwIfAborted();
      const settled = await Promise.all(wave.map(async (obj) => {
        let ref = refOf(obj);
        try {
          ref = await this.refWithScope(obj);
          return { ref, done: await this.applyOne(obj, ref, options) };
        } catch (error) {
          return { ref, error };
        }
      }));
      for (const s of settled) if (s.done) applied.push(s.done);
      const failed = settled.find((s) => !s.done);
      if (failed) {
        const ctx: ErrorContext = { cluster: this.name, operation: 'apply', ref: failed.ref, applied, secrets };
        await this.guard(ctx, () => Promise.reject(failed.error));
      }
    }
    return applied;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.guard({ cluster: this.name, operation: 'get', ref }, async () => {
      const body = await this.request({ method: 'GET', path: await this.path(ref) }, true);
      return body === undefined ? undefined : parseObject(body, ref);
    });
  }

  /**
   * One GET per kind, all at once (a release lists eight kinds to prune: one round trip, not
   * eight); results in the order of `kinds`. A kind the cluster does not serve has no objects.
   */
  async list(query: ListQuery): Promise<KubeObject[]> {
    const perKind = await Promise.all(query.kinds.map((kind) => {
      const operation = `list ${kind.kind} matching "${query.labelSelector}" in namespace ${query.namespace}`;
      return this.guard({ cluster: this.name, operation }, async () => {
        if (!(await this.discovery.serves(kind))) return [];
        const path = await this.discovery.path({ ...kind, namespace: query.namespace }, this.options.defaultNamespace);
        const body = await this.request({ method: 'GET', path, query: { labelSelector: query.labelSelector } });
        return itemsOf(body ?? '{}', kind);
      });
    }));
    return perKind.flat();
  }

  async delete(ref: ObjectRef): Promise<'deleted' | 'absent'> {
    return this.guard({ cluster: this.name, operation: 'delete', ref }, async () => {
      const path = await this.path(ref);
      const body = await this.request({ method: 'DELETE', path, query: { propagationPolicy: 'Background' } }, true);
      return body === undefined ? 'absent' : 'deleted';
    });
  }

  async rolloutStatus(ref: ObjectRef): Promise<RolloutStatus> {
    if (ref.kind !== 'Deployment') {
      throw new NestorError(ErrorCode.BadInput, `rollout status is only read for Deployments, not ${describeRef(ref)}`);
    }
    const live = await this.guard({ cluster: this.name, operation: 'read rollout status of', ref }, () => this.get(ref));
    if (live === undefined) return notFoundStatus(ref);
    return rolloutStatusOf(ref, live);
  }

  /**
   * A watch of the one Deployment (by name) from the status's resourceVersion: every change
   * after that read, in order. It ends (onEnd) when the server closes it (asked to after
   * WATCH_SECONDS, and given a margin more before it is given up as silently lost), refuses it
   * (e.g. 410 Gone: that version is too old) or the connection fails. Once refused as not
   * allowed (e.g. 403: no `watch` in the credentials' RBAC), this cluster's rollouts are polled.
   */
  watchRollout(since: RolloutStatus, handlers: RolloutWatchHandlers): (() => void) | undefined {
    const { ref, resourceVersion } = since;
    const watch = this.options.watch;
    if (!watch || this.watchesRefused || resourceVersion === undefined || ref.kind !== 'Deployment') return undefined;
    const stop = new AbortController();
    let stoppedByCaller = false;
    const onEvent = (line: string): void => {
      const event = watchEventOf(line, ref);
      if (event.type === 'ADDED' || event.type === 'MODIFIED') handlers.onChange(rolloutStatusOf(ref, event.object));
      else if (event.type === 'DELETED') handlers.onChange(notFoundStatus(ref));
      else if (event.type === 'ERROR') stop.abort();
    };
    const onLine = (line: string): void => {
      if (stop.signal.aborted) return;
      try {
        onEvent(line);
      } catch {
        stop.abort();
      }
    };
    const follow = async (): Promise<void> => {
      const namespace = ref.namespace ?? this.options.defaultNamespace;
      const path = await this.discovery.path({ apiVersion: ref.apiVersion, kind: ref.kind, namespace }, this.options.defaultNamespace);
      const query = { watch: '1', fieldSelector: `metadata.name=${ref.name}`, resourceVersion, timeoutSeconds: String(WATCH_SECONDS) };
      const lost = setTimeout(() => stop.abort(), (WATCH_SECONDS + WATCH_MARGIN_SECONDS) * 1000);
      try {
        await watch({ method: 'GET', path, query }, onLine, stop.signal);
      } finally {
        clearTimeout(lost);
      }
    };
    void follow().catch((error: unknown) => {
      if (error instanceof WatchRefused && WATCH_NOT_ALLOWED.has(error.status)) this.watchesRefused = true;
    }).finally(() => {
      if (!stoppedByCaller) handlers.onEnd();
    });
    return () => {
      stoppedByCaller = true;
      stop.abort();
    };
  }

  async events(namespace: string, involved: ObjectRef): Promise<KubeEvent[]> {
    return this.guard({ cluster: this.name, operation: 'list events of', ref: involved }, async () => {
      const fieldSelector = `involvedObject.kind=${involved.kind},involvedObject.name=${involved.name}`;
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
      return eventsOf(await this.request({ method: 'GET', path, query: { fieldSelector } }) ?? '{}');
    });
  }

  async podLog(namespace: string, pod: string, options: { tailLines?: number } = {}): Promise<string | undefined> {
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace, name: pod };
    return this.guard({ cluster: this.name, operation: 'read the log of', ref }, () => this.request({
      method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      ...(options.tailLines === undefined ? {} : { query: { tailLines: String(options.tailLines) } }),
    }, true));
  }

  async streamPodLog(namespace: string, pod: string, options: PodLogStreamOptions): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace, name: pod };
    const ctx: ErrorContext = { cluster: this.name, operation: 'read the log of', ref };
    if (!this.options.kubeConfig) throw new NestorError(ErrorCode.Internal, `cluster ${this.name}: no kubeconfig to stream pod logs with`);
    return streamPodLog(this.options.kubeConfig, ctx, namespace, pod, options);
  }

  private async applyOne(obj: KubeObject, ref: ObjectRef, options: ApplyOptions): Promise<AppliedObject> {
    const path = await this.path(ref);
    const signal = options.signal;
    const read = options.before;
    const beforeBody = read ? undefined : await this.request({ method: 'GET', path, ...(signal ? { signal } : {}) }, true);
    // Strict: an unknown field is refused by the server rather than dropped without a word.
    const query: Record<string, string> = { fieldManager: options.fieldManager, fieldValidation: 'Strict' };
    if (options.force) query['force'] = 'true';
    if (options.dryRun) query['dryRun'] = 'All';
    const response = await this.respond({
      method: 'PATCH', path, query, body: JSON.stringify(forApply(obj)), contentType: APPLY_CONTENT_TYPE, ...(signal ? { signal } : {}),
    });
    const before = read ? read(obj) : beforeBody === undefined ? undefined : parseObject(beforeBody, ref);
    // The server answers an apply that made the object with 201 Created.
    if (before === undefined || response.status === 201) return { ref, result: ApplyResult.Created };
    const after = parseObject(response.body, ref);
    return { ref, result: isDeepStrictEqual(content(before), content(after)) ? ApplyResult.Unchanged : ApplyResult.Configured };
  }

  /** The object's ref with the namespace it really lands in (none for cluster-scoped kinds). */
  private async refWithScope(obj: KubeObject): Promise<ObjectRef> {
    const resource = await this.discovery.resource(obj);
    const { namespace: _ns, ...ref } = refOf(obj);
    return resource.namespaced ? { ...ref, namespace: obj.metadata.namespace ?? this.options.defaultNamespace } : ref;
  }

  private path(ref: ObjectRef): Promise<string> {
    return this.discovery.path(ref, this.options.defaultNamespace);
  }

  /** The body of a 2xx answer; undefined for a 404 when `absentOk`; else throws HttpFailure. */
  private async request(request: KubeRequest, absentOk = false): Promise<string | undefined> {
    const response = await sendWithRetry(this.options.transport, request, this.options.retry);
    if (response.status === 404 && absentOk) return undefined;
    return this.success(response).body;
  }

  /** A 2xx answer; else throws HttpFailure. */
  private async respond(request: KubeRequest): Promise<KubeResponse> {
    return this.success(await sendWithRetry(this.options.transport, request, this.options.retry));
  }

  private success(response: KubeResponse): KubeResponse {
    if (response.status >= 200 && response.status < 300) return response;
    throw new HttpFailure(response.status, response.body);
  }

  private async guard<T>(ctx: ErrorContext, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof RetriesExhausted) throw unavailableError(ctx, err.message, err);
      if (err instanceof HttpFailure) throw statusError(ctx, err.status, err.body);
      if (err instanceof NestorError || isAbort(err)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new NestorError(ErrorCode.Internal, `cluster ${this.name}: ${ctx.operation}${ctx.ref ? ` ${describeRef(ctx.ref)}` : ''} failed: ${message}`, { cause: err });
    }
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

function notFoundStatus(ref: ObjectRef): RolloutStatus {
  return {
    ref, state: 'failed', reason: 'NotFound', message: `${describeRef(ref)} does not exist`, conditions: [],
    replicas: { desired: 0, updated: 0, ready: 0, available: 0 }, progressDeadlineSeconds: 600,
  };
}
