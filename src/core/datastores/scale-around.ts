// `scale_down: true`: the app's Deployments go to 0 replicas while its datastore is reset, so no
// pod writes into a database being replaced, and back to what they ran after, whatever the reset
// did. Each Deployment is re-applied whole as it is live (by Nestor's field manager, as a release
// applies it) with only its replicas changed: an apply of the replicas alone would drop every
// other field Nestor owns. Meant for environments where Nestor sets the replicas
// (`hpa_replicas: false`): an HPA would scale the pods back up.
import type { ConfigTree } from '../config/index.js';
import { mergedProject } from '../config/merged-project.js';
import { describeRef, refOf, type Cluster, type ClusterProvider, type KubeObject } from '../ports/cluster.js';
import { appSelector, FIELD_MANAGER } from '../release/cluster-steps.js';
import { Stage, type ReleaseListener } from '../release/events.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const SERVER_FIELDS = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

interface Scaled {
  cluster: Cluster;
  live: KubeObject;
  replicas: number;
}

/** The live object as an apply can send it back, with `replicas`. */
function withReplicas(live: KubeObject, replicas: number): KubeObject {
  const metadata = Object.fromEntries(Object.entries(live.metadata).filter(([key]) => !SERVER_FIELDS.includes(key)));
  const { status: _status, ...rest } = live;
  return { ...rest, metadata: metadata as KubeObject['metadata'], spec: { ...(live.spec as object), replicas } };
}

async function scaleAll(scaled: readonly Scaled[], to: (s: Scaled) => number): Promise<void> {
  await Promise.all(scaled.map((s) => s.cluster.apply([withReplicas(s.live, to(s))], { fieldManager: FIELD_MANAGER })));
}

async function runningDeployments(clusters: ClusterProvider, tree: ConfigTree, app: string, env: string): Promise<Scaled[]> {
  const found: Scaled[] = [];
  for (const c of mergedProject(tree, env).deployments?.kubernetes ?? []) {
    const cluster = clusters.cluster(c.context ?? c.cluster_name);
    const live = await cluster.list({ namespace: c.namespace ?? env, kinds: [DEPLOYMENT], labelSelector: appSelector(app, env) });
    for (const deployment of live) {
      const replicas = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      if (replicas > 0) found.push({ cluster, live: deployment, replicas });
    }
  }
  return found;
}

/** Runs `fn` with the app's Deployments in the environment at 0 replicas; puts them back after, even when `fn` throws. */
export async function whileScaledDown<T>(
  clusters: ClusterProvider, tree: ConfigTree, target: { app: string; env: string }, onEvent: ReleaseListener, fn: () => Promise<T>,
): Promise<T> {
  const { app, env } = target;
  const scaled = await runningDeployments(clusters, tree, app, env);
  const names = scaled.map((s) => describeRef(refOf(s.live))).join(', ') || 'nothing running';
  onEvent({ type: 'stage', stage: Stage.ScaleDown, status: 'started', message: names });
  await scaleAll(scaled, () => 0);
  onEvent({ type: 'stage', stage: Stage.ScaleDown, status: 'finished', message: scaled.length ? `${app} at 0 replicas` : 'nothing running' });
  try {
    return await fn();
  } finally {
    onEvent({ type: 'stage', stage: Stage.ScaleUp, status: 'started' });
    await scaleAll(scaled, (s) => s.replicas);
    onEvent({ type: 'stage', stage: Stage.ScaleUp, status: 'finished', message: scaled.map((s) => `${s.live.metadata.name}=${s.replicas}`).join(' ') || 'nothing to bring back' });
  }
}
