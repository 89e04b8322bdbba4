import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException, AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject, type V1Deployment,
} from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSimulator, typeOf, writeKubeconfigFile, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { configMap, deployment, namespace } from './manifests.js';

let sim: KubeSimulator;
let objects: KubernetesObjectApi;
let apps: AppsV1Api;
let core: CoreV1Api;
let kc: KubeConfig;

beforeAll(async () => {
  sim = await startKubeSimulator({ controllers: { readyDelayMs: 0, missingImages: ['registry.example/kapten/mary:bad'] } });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig(['kapten_staging_eu-w1']));
  objects = KubernetesObjectApi.makeApiClient(kc);
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await sim.close();
});

function apply<T extends KubernetesObject>(obj: T, manager = 'nestor', force = false): Promise<T> {
  return objects.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
}

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return { code: error.code, body: body as Record<string, unknown> };
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('kube simulator through @kubernetes/client-node', () => {
  it('applies server-side, creating then updating, with uid, resourceVersion, generation and managed fields', async () => {
    await apply(namespace('ssa'));
    const created = await apply(deployment({ namespace: 'ssa' }));
    expect(created.metadata).toMatchObject({ name: 'web', namespace: 'ssa', generation: 1 });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['nestor', 'Apply']]);
    const updated = await apply(deployment({ namespace: 'ssa', replicas: 4 }));
    expect(updated.metadata?.generation).toBe(2);
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
  });

  it('answers an SSA conflict with a 409 Status naming the other manager and field; force takes over', async () => {
    await apply(namespace('conflict'));
    await apply(deployment({ namespace: 'conflict', replicas: 2 }));
    const { code, body } = await failure(apply(deployment({ namespace: 'conflict', replicas: 5 }), 'ops-tool'));
    expect(code).toBe(409);
    expect(body).toMatchObject({
      kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409,
      message: 'Apply failed with 1 conflict: conflict with "nestor" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "nestor" using apps/v1', field: '.spec.replicas' }] },
    });
    const forced = await apply(deployment({ namespace: 'conflict', replicas: 5 }), 'ops-tool', true);
    expect(forced.spec?.replicas).toBe(5);
  });

  it('requires a field manager for apply', async () => {
    await apply(namespace('nomanager'));
    const { code, body } = await failure(objects.patch(configMap('nomanager', 'c', { a: '1' }), undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply));
    expect(code).toBe(400);
    expect(String(body.message)).toContain('fieldManager');
  });

  it('creates (409 AlreadyExists on repeat), reads, replaces with optimistic concurrency and deletes', async () => {
    await objects.create(namespace('crud'));
    const created = await objects.create(configMap('crud', 'settings', { a: '1' }));
    expect((await failure(objects.create(configMap('crud', 'settings', { a: '1' })))).body).toMatchObject({
      reason: 'AlreadyExists', code: 409, message: 'configmaps "settings" already exists', details: { name: 'settings', kind: 'configmaps' },
    });
    const replaced = await objects.replace({ ...created, metadata: { ...created.metadata, name: 'settings' }, data: { a: '2' } });
    expect(replaced).toMatchObject({ data: { a: '2' } });
    const stale = await failure(objects.replace({ ...created, metadata: { ...created.metadata, name: 'settings' }, data: { a: '3' } }));
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(String(stale.body.message)).toContain('the object has been modified');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'crud' } };
    await objects.delete(ref);
    expect((await failure(objects.read(ref))).body).toMatchObject({ reason: 'NotFound', code: 404, message: 'configmaps "settings" not found' });
  });

  it('lists with label and field selectors', async () => {
    await apply(namespace('sel'));
    await apply(configMap('sel', 'a', {}, { app: 'mary', process: 'web' }));
    await apply(configMap('sel', 'b', {}, { app: 'mary', process: 'worker' }));
    await apply(configMap('sel', 'c', {}, { app: 'john' }));
    const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
      (await core.listNamespacedConfigMap({ namespace: 'sel', ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) }))
        .items.map((i) => i.metadata?.name ?? '');
    expect(await names('app=mary')).toEqual(['a', 'b']);
    expect(await names('app=mary,process!=web')).toEqual(['b']);
    expect(await names('process in (web,cron)')).toEqual(['a']);
    expect(await names('!process')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=c')).toEqual(['c']);
  });

  it('honours dryRun=All', async () => {
    await apply(namespace('dry'));
    const result = await objects.patch(configMap('dry', 'x', { a: '1' }), undefined, 'All', 'nestor', undefined, PatchStrategy.ServerSideApply);
    expect(result.metadata?.name).toBe('x');
    expect((await failure(objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'dry' } }))).code).toBe(404);
  });

  it('merges strategic and JSON merge patches', async () => {
    await apply(namespace('patch'));
    await apply(deployment({ namespace: 'patch' }));
    const smp: KubernetesObject & { spec: unknown } = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'patch' },
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }] }] } } } };
    const patched = await objects.patch(smp, undefined, undefined, 'kubectl-edit', undefined, PatchStrategy.StrategicMergePatch);
    expect((patched as V1Deployment).spec?.template.spec?.containers[0]).toMatchObject({ name: 'web', image: 'registry.example/kapten/mary:1a2b3c4', env: [{ name: 'A', value: '1' }] });
    const merged: KubernetesObject = await objects.patch<KubernetesObject>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'patch', labels: { team: 'security' } } },
      undefined, undefined, 'labeler', undefined, PatchStrategy.MergePatch);
    expect(merged.metadata?.labels).toMatchObject({ app: 'web', team: 'security' });
    expect(merged.metadata?.managedFields?.map((m) => m.manager)).toEqual(['nestor', 'kubectl-edit', 'labeler']);
  });

  it('brings a deployment to Available and lists its pods by label', async () => {
    await apply(namespace('rollout'));
    await apply(deployment({ namespace: 'rollout', replicas: 3 }));
    await sim.controllers.settle();
    const live = await apps.readNamespacedDeployment({ name: 'web', namespace: 'rollout' });
    expect(live.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(live.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const pods = await core.listNamespacedPod({ namespace: 'rollout', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);
  });

  it('reports ProgressDeadlineExceeded, ImagePullBackOff pods and events for a bad image', async () => {
    await apply(namespace('bad'));
    await apply(deployment({ namespace: 'bad', image: 'registry.example/kapten/mary:bad', progressDeadlineSeconds: 30 }));
    await sim.controllers.settle();
    const live = await apps.readNamespacedDeployment({ name: 'web', namespace: 'bad' });
    expect(live.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    const pods = await core.listNamespacedPod({ namespace: 'bad', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason)).toEqual(['ImagePullBackOff', 'ImagePullBackOff']);
    const events = await core.listNamespacedEvent({ namespace: 'bad' });
    expect(events.items.map((e) => e.message).join('\n')).toContain('Failed to pull image "registry.example/kapten/mary:bad"');
  });

  it('deleting a namespace deletes the objects in it', async () => {
    await apply(namespace('gone'));
    await apply(configMap('gone', 'c', { a: '1' }));
    await core.deleteNamespace({ name: 'gone' });
    expect((await core.listNamespacedConfigMap({ namespace: 'gone' })).items).toEqual([]);
    expect((await failure(core.readNamespace({ name: 'gone' }))).code).toBe(404);
  });

  it('streams watch events from a resourceVersion', async () => {
    await apply(namespace('watch'));
    const list = await core.listNamespacedConfigMap({ namespace: 'watch' });
    const events: string[] = [];
    let abort: AbortController | undefined;
    const done = new Promise<void>((resolve) => {
      void new Watch(kc).watch('/api/v1/namespaces/watch/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (type, obj: KubernetesObject) => {
        events.push(`${type} ${obj.metadata?.name ?? ''}`);
        if (type === 'DELETED') resolve();
      }, () => resolve()).then((controller) => {
        abort = controller;
      });
    });
    await apply(configMap('watch', 'w', { a: '1' }));
    await apply(configMap('watch', 'w', { a: '2' }));
    await core.deleteNamespacedConfigMap({ name: 'w', namespace: 'watch' });
    await done;
    abort?.abort();
    expect(events).toEqual(['ADDED w', 'MODIFIED w', 'DELETED w']);
  });
});

describe('kube simulator kinds and discovery', () => {
  it('serves every kind Nestor renders, namespaced and cluster-scoped', async () => {
    await apply(namespace('kinds'));
    const meta = { name: 'mary', namespace: 'kinds', labels: { app: 'mary' } };
    const manifests: KubernetesObject[] = [
      { apiVersion: 'v1', kind: 'Secret', metadata: meta, stringData: { TOKEN: 'x' } } as KubernetesObject,
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: { app: 'mary' }, ports: [{ port: 80, targetPort: 8080 }] } } as KubernetesObject,
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta, spec: { rules: [{ host: 'mary.example' }] } } as KubernetesObject,
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mary' }, minReplicas: 3, maxReplicas: 9 } } as KubernetesObject,
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta,
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'purge', image: 'mary:1' }] } } } } } } as KubernetesObject,
    ];
    for (const manifest of manifests) await apply(manifest);
    for (const manifest of manifests) {
      const live = await objects.read({ apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: { name: 'mary', namespace: 'kinds' } });
      expect(live).toMatchObject({ kind: manifest.kind, apiVersion: manifest.apiVersion, metadata: { labels: { app: 'mary' } } });
    }
    const service = await core.readNamespacedService({ name: 'mary', namespace: 'kinds' });
    expect(service.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 8080 });
  });

  it('answers legacy and aggregated discovery', async () => {
    const legacy = await (await fetch(`${sim.url}/apis`)).json() as { groups: { name: string }[] };
    expect(legacy.groups.map((g) => g.name)).toEqual(['apps', 'autoscaling', 'networking.k8s.io', 'batch', 'monitoring.coreos.com', 'policy', 'rbac.authorization.k8s.io']);
    const aggregated = await fetch(`${sim.url}/api`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    expect(aggregated.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = await aggregated.json() as { items: { versions: { resources: { resource: string; scope: string }[] }[] }[] };
    expect(body.items[0]?.versions[0]?.resources).toContainEqual(expect.objectContaining({ resource: 'namespaces', scope: 'Cluster' }));
    const missing = await fetch(`${sim.url}/apis/example.com/v1/widgets`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

describe('kube simulator fault injection', () => {
  it('fails the next matching requests with the given status, then recovers, and counts requests', async () => {
    await apply(namespace('faults'));
    sim.faults.failNext(2, { status: 503, match: { method: 'PATCH', pathIncludes: '/namespaces/faults/configmaps' } });
    const before = sim.faults.count({ method: 'PATCH', pathIncludes: '/namespaces/faults/configmaps/c' });
    const first = await failure(apply(configMap('faults', 'c', { a: '1' })));
    expect(first).toMatchObject({ code: 503, body: { kind: 'Status', reason: 'ServiceUnavailable', code: 503 } });
    expect((await failure(apply(configMap('faults', 'c', { a: '1' })))).code).toBe(503);
    await apply(configMap('faults', 'c', { a: '1' }));
    expect(sim.faults.count({ method: 'PATCH', pathIncludes: '/namespaces/faults/configmaps/c' }) - before).toBe(3);
    expect(sim.faults.counters()['PATCH /api/v1/namespaces/faults/configmaps/c']).toBe(3);
  });

  it('answers 500 and 409 faults with Status bodies', async () => {
    sim.faults.failNext(1, { status: 500, match: { pathIncludes: '/namespaces/faults/configmaps/d' } });
    sim.faults.failNext(1, { status: 409, match: { pathIncludes: '/namespaces/faults/configmaps/d' } });
    expect((await failure(apply(configMap('faults', 'd', {}))))).toMatchObject({ code: 500, body: { reason: 'InternalError' } });
    expect((await failure(apply(configMap('faults', 'd', {}))))).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
  });

  it('hangs the next request until released', async () => {
    sim.faults.hangNext(1, { method: 'GET', pathIncludes: '/namespaces/faults/configmaps/c' });
    const hung = core.readNamespacedConfigMap({ name: 'c', namespace: 'faults' });
    let settled = false;
    void hung.finally(() => {
      settled = true;
    });
    await expect.poll(() => sim.faults.hungCount).toBe(1);
    expect(settled).toBe(false);
    sim.faults.releaseHung();
    expect((await hung).data).toEqual({ a: '1' });
  });

  it('a hung request is dropped when the simulator closes', async () => {
    const other = await startKubeSimulator();
    other.faults.hangNext(1);
    const request = fetch(`${other.url}/api/v1/namespaces`).then(() => 'answered', () => 'dropped');
    await expect.poll(() => other.faults.hungCount).toBe(1);
    await other.close();
    expect(await request).toBe('dropped');
  });
});

describe('kubeconfig contexts', () => {
  it('names contexts after cluster_name and can point them at different simulators', async () => {
    const second = await startKubeSimulator();
    const dir = await mkdtemp(join(tmpdir(), 'kube-sim-ctx-'));
    try {
      const path = await writeKubeconfigFile(dir, [
        { name: 'kapten_production_eu-w1', server: sim.url },
        { name: 'kapten_production_us-e1', server: second.url },
      ]);
      const config = new KubeConfig();
      config.loadFromFile(path);
      expect(config.getContexts().map((c) => c.name)).toEqual(['kapten_production_eu-w1', 'kapten_production_us-e1']);
      config.setCurrentContext('kapten_production_us-e1');
      await config.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'only-in-us' } } });
      expect(second.store.get(typeOf('Namespace'), undefined, 'only-in-us')).toBeDefined();
      expect((await failure(core.readNamespace({ name: 'only-in-us' }))).code).toBe(404);
    } finally {
      await second.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
