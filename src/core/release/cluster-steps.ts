// The steps every release shares, per cluster: read what is live, diff, apply, prune, and wait
// for the rollout. Deploy, rollback, scale and config changes all go through them.
import { ErrorCode, NestorError, isNestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { describeRef, refOf, type AppliedObject, type Cluster, type ClusterProvider, type KindRef, type KubeObject } from '../ports/cluster.js';
import { ENVIRONMENT, MANAGED_BY } from '../render/labels.js';
import type { ClusterManifests } from '../render/types.js';
import { diffRelease, objectKey, type ReleaseDiff } from './diff.js';
import type { ReleaseListener } from './events.js';
import { waitForRollout, type RolloutOutcome } from './wait-for-rollout.js';

/**
 * Kinds an app release owns, and so may prune. Never Namespace (shared by every app) and never
 * Secret: `<app>-secrets` holds values set with `config set --secret` that exist nowhere else.
 * prometheus-operator's kinds are listed only where the cluster serves them (Cluster.list skips
 * a kind it does not serve), so a cluster without the operator releases as before.
 */
export const PRUNABLE_KINDS: readonly KindRef[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
  { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig' },
];

export const FIELD_MANAGER = 'nestor';

export interface PreparedCluster {
  app: string;
  env: string;
  manifests: ClusterManifests;
  cluster: Cluster;
  live: Map<string, KubeObject>;
  prune: KubeObject[];
  diff: ReleaseDiff;
}

/** Only objects carrying Nestor's labels for this app and environment are ever pruned. */
export function appSelector(app: string, env: string): string {
  return `app=${app},${MANAGED_BY}=nestor,${ENVIRONMENT}=${env}`;
}

const isPrunable = (o: KubeObject): boolean => PRUNABLE_KINDS.some((k) => k.apiVersion === o.apiVersion && k.kind === o.kind);
const isNestorsOwn = (o: KubeObject, app: string, env: string): boolean => {
  const labels = o.metadata.labels ?? {};
  return labels['app'] === app && labels[MANAGED_BY] === 'nestor' && labels[ENVIRONMENT] === env;
};

/**
 * What is live, read in one round trip in the usual case: the prune's list of the app's objects
 * (one per prunable kind, by its labels) serves the diff too, and only the rendered objects no
 * such list can return (a Namespace, the Secret) are read one by one beside it. A rendered object
 * the list could return but did not is read afterwards: it is new, or live without the app's
 * labels (then the diff must still show it as it is).
 */
export async function prepareCluster(
  provider: ClusterProvider, manifests: ClusterManifests, app: string, env: string,
  /** Objects of this cluster the release has just read (the Secret read for the render), by objectKey. */
  known?: ReadonlyMap<string, KubeObject>,
): Promise<PreparedCluster> {
  const cluster = provider.cluster(manifests.context);
  const listable = (o: KubeObject): boolean => isPrunable(o) && isNestorsOwn(o, app, env);
  const readAlone = manifests.objects.filter((o) => !listable(o));
  const [owned, alone] = await Promise.all([
    cluster.list({ namespace: manifests.namespace, kinds: PRUNABLE_KINDS, labelSelector: appSelector(app, env) }),
    Promise.all(readAlone.map((o) => known?.get(objectKey(o)) ?? cluster.get(refOf(o)))),
  ]);
  const listed = new Map(owned.map((o) => [objectKey(o), o]));
  const unlisted = manifests.objects.filter((o) => listable(o) && !listed.has(objectKey(o)));
  const readAfter = await Promise.all(unlisted.map((o) => cluster.get(refOf(o))));
  const live = new Map<string, KubeObject>();
  const found = new Map<KubeObject, KubeObject | undefined>([...readAlone.map((o, i) => [o, alone[i]] as const), ...unlisted.map((o, i) => [o, readAfter[i]] as const)]);
  for (const o of manifests.objects) {
    const current = found.has(o) ? found.get(o) : listed.get(objectKey(o));
    if (current) live.set(objectKey(o), current);
  }
  const rendered = new Set(manifests.objects.map(objectKey));
  const prune = owned.filter((o) => !rendered.has(objectKey(o)) && o.metadata.labels?.['app'] === app);
  return { app, env, manifests, cluster, live, prune, diff: diffRelease(manifests.objects, live, prune) };
}

export interface ApplyOutcome {
  applied: AppliedObject[];
  pruned: string[];
}

const WORKLOADS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

/**
 * True when the objects run nothing (a Namespace and a ConfigMap at most): every process and cron
 * was removed, or the render went wrong. Applied, such a render would prune the whole app.
 */
export function runsNothing(objects: readonly KubeObject[]): boolean {
  return !objects.some((o) => WORKLOADS.has(o.kind));
}

/** Why applying this cluster's render is refused (it runs nothing), or undefined. */
export function emptyRenderRefusal(prepared: PreparedCluster): string | undefined {
  const { manifests, prune } = prepared;
  if (!runsNothing(manifests.objects)) return undefined;
  const pruned = prune.length > 0 ? `, which would prune ${prune.length} object${prune.length === 1 ? '' : 's'} of the app` : '';
  return `the render of ${prepared.app} for ${manifests.cluster} runs nothing (no process, no cron: check the Procfile and Cronfile): refusing to apply it${pruned}`;
}

/** Applies with server-side apply, then prunes; a render that runs nothing is refused. */
export async function applyCluster(prepared: PreparedCluster, options: { force: boolean; onEvent: ReleaseListener }): Promise<ApplyOutcome> {
  const { manifests, cluster } = prepared;
  const refusal = emptyRenderRefusal(prepared);
  if (refusal) throw new NestorError(ErrorCode.RenderFailed, refusal);
  // The diff read each object just now: the apply need not read it again.
  const before = (o: KubeObject): KubeObject | undefined => prepared.live.get(objectKey(o));
  const applied = await cluster.apply(manifests.objects, { fieldManager: FIELD_MANAGER, force: options.force, before });
  for (const a of applied) options.onEvent({ type: 'applied', cluster: manifests.cluster, object: describeRef(a.ref), result: a.result });
  const pruned: string[] = [];
  for (const object of prepared.prune) {
    await cluster.delete(refOf(object));
    pruned.push(objectKey(object));
    options.onEvent({ type: 'pruned', cluster: manifests.cluster, object: objectKey(object) });
  }
  return { applied, pruned };
}

export interface Removal {
  /** Deleted, as `<cluster>: <object>`. */
  removed: string[];
  /** Created by the release but still there: `<cluster>: <object> (why)`. */
  left: string[];
  /** Existed before the release, so kept as it set them. */
  kept: string[];
}

/**
 * Undoes a release that has nothing to roll back to, as `helm install --atomic` does: deletes
 * the objects it created (absent when it was prepared) that carry Nestor's labels for the app
 * and environment, of the kinds a release prunes (so never the shared Namespace), last applied
 * first. A delete that fails is reported, not thrown: the rest is still removed.
 */
export async function removeCreated(prepared: readonly PreparedCluster[], onEvent: ReleaseListener): Promise<Removal> {
  const removal: Removal = { removed: [], left: [], kept: [] };
  for (const { app, env, manifests, cluster, live } of prepared) {
    const ours = manifests.objects.filter((o) => isPrunable(o) && isNestorsOwn(o, app, env));
    removal.kept.push(...ours.filter((o) => live.has(objectKey(o))).map((o) => `${manifests.cluster}: ${objectKey(o)}`));
    for (const object of ours.filter((o) => !live.has(objectKey(o))).reverse()) {
      try {
        await cluster.delete(refOf(object));
        removal.removed.push(`${manifests.cluster}: ${objectKey(object)}`);
        onEvent({ type: 'pruned', cluster: manifests.cluster, object: objectKey(object) });
      } catch (error) {
        if (!isNestorError(error)) throw error;
        removal.left.push(`${manifests.cluster}: ${objectKey(object)} (${error.userMessage})`);
      }
    }
  }
  return removal;
}

export interface RolloutWaitOptions {
  clock: Clock;
  pollIntervalMs?: number;
  graceMs?: number;
  onEvent: ReleaseListener;
  /** Stops the wait: it then throws. */
  signal?: AbortSignal;
}

export interface ClusterRollout {
  cluster: string;
  outcomes: RolloutOutcome[];
}

export async function waitForClusters(prepared: readonly PreparedCluster[], options: RolloutWaitOptions): Promise<ClusterRollout[]> {
  return Promise.all(
    prepared.map(async ({ manifests, cluster }) => {
      const refs = manifests.objects.filter((o) => o.kind === 'Deployment').map(refOf);
      const outcomes = await waitForRollout(cluster, refs, {
        clock: options.clock,
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (status) =>
          options.onEvent({ type: 'rollout', cluster: manifests.cluster, object: describeRef(status.ref), state: status.state, message: status.message }),
      });
      return { cluster: manifests.cluster, outcomes };
    }),
  );
}

export function failedRollouts(rollouts: readonly ClusterRollout[]): string[] {
  return rollouts.flatMap((r) => r.outcomes.flatMap((o) => (o.state === 'failed' ? [`${r.cluster}: ${o.summary}`] : [])));
}
