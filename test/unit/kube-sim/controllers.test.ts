import { describe, it, expect } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { ObjectStore } from '../../../src/testkit/kube-sim/store.js';
import { SimulatedControllers } from '../../../src/testkit/kube-sim/controllers/controllers.js';
import type { ControllerOptions } from '../../../src/testkit/kube-sim/controllers/context.js';
import { typeOf } from '../../../src/testkit/kube-sim/resource-types.js';
import { getIn, type JsonObject, type KubeObject } from '../../../src/testkit/kube-sim/object-util.js';

const DEPLOYMENT = typeOf('Deployment');

function setup(options: Partial<ControllerOptions> = {}): { store: ObjectStore; controllers: SimulatedControllers } {
  const store = new ObjectStore();
  store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  const controllers = new SimulatedControllers(store, { readyDelayMs: 50, timeFactor: 0.001, ...options }, 'manual', () => new Date());
  return { store, controllers };
}

function deployment(image: string, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      replicas, progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

function conditions(obj: KubeObject | undefined): Record<string, string> {
  const list = getIn(obj, ['status', 'conditions']);
  return Object.fromEntries((Array.isArray(list) ? list as JsonObject[] : []).map((c) => [String(c.type), `${String(c.status)}/${String(c.reason)}`]));
}

describe('simulated deployment controller (manual clock)', () => {
  it('creates labelled, owned pods and becomes available once the ready delay passes', async () => {
    const { store, controllers } = setup();
    const created = store.create(DEPLOYMENT, deployment('web:1'));
    await controllers.advance(0);
    const pods = store.list(typeOf('Pod'), 'demo');
    expect(pods).toHaveLength(2);
    expect(pods[0]?.metadata.labels).toMatchObject({ app: 'web' });
    expect(pods[0]?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', uid: created.metadata.uid })]);
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'web'))).toMatchObject({ Available: 'False/MinimumReplicasUnavailable' });
    await controllers.advance(49);
    expect(getIn(store.get(DEPLOYMENT, 'demo', 'web'), ['status', 'readyReplicas'])).toBe(0);
    await controllers.advance(1);
    const live = store.get(DEPLOYMENT, 'demo', 'web');
    expect(live?.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(conditions(live)).toEqual({ Available: 'True/MinimumReplicasAvailable', Progressing: 'True/NewReplicaSetAvailable' });
    expect(controllers.pending).toBe(0);
  });

  it('leaves a missing image in ImagePullBackOff and reports ProgressDeadlineExceeded after the scaled deadline', async () => {
    const { store, controllers } = setup({ missingImages: ['registry.example/org/web:1a2b3c4'] });
    store.create(DEPLOYMENT, deployment('registry.example/org/web:1a2b3c4'));
    await controllers.advance(100);
    const pod = store.list(typeOf('Pod'), 'demo')[0];
    expect(getIn(pod, ['status', 'containerStatuses'])).toEqual([expect.objectContaining({ ready: false, state: { waiting: expect.objectContaining({ reason: 'ImagePullBackOff' }) } })]);
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'web')).Progressing).toBe('True/ReplicaSetUpdated');
    await controllers.advance(500);
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'web'))).toMatchObject({ Progressing: 'False/ProgressDeadlineExceeded', Available: 'False/MinimumReplicasUnavailable' });
    const reasons = store.list(typeOf('Event'), 'demo').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Failed', 'ProgressDeadlineExceeded']));
  });

  it('fails only images marked explicitly, by whole reference or by tag: a sha containing "bad" rolls out', async () => {
    const sha = '3f9bad1c7d4e5f60718293a4b5c6d7e8f9012345';
    const { store, controllers } = setup({ crashingImages: ['0123abc'] });
    for (const [name, image] of [['sha', `docker.com/kapten/mary:${sha}`], ['words', 'mary:failing-crash-bad']] as const) {
      store.create(DEPLOYMENT, { ...deployment(image), metadata: { name, namespace: 'demo' } });
    }
    store.create(DEPLOYMENT, { ...deployment('docker.com/kapten/mary:0123abc'), metadata: { name: 'marked', namespace: 'demo' } });
    await controllers.settle();
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'sha')).Progressing).toBe('True/NewReplicaSetAvailable');
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'words')).Progressing).toBe('True/NewReplicaSetAvailable');
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'marked')).Progressing).toBe('False/ProgressDeadlineExceeded');
  });

  it('keeps the old pods serving while a bad update never becomes ready; a good update replaces them', async () => {
    const { store, controllers } = setup({ crashingImages: ['crash'] });
    store.create(DEPLOYMENT, deployment('web:1'));
    await controllers.settle();
    const live = store.get(DEPLOYMENT, 'demo', 'web') as KubeObject;
    store.update(DEPLOYMENT, { ...live, spec: deployment('web:crash').spec ?? {} });
    await controllers.settle();
    const failed = store.get(DEPLOYMENT, 'demo', 'web');
    expect(failed?.status).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 2, readyReplicas: 2 });
    expect(conditions(failed).Progressing).toBe('False/ProgressDeadlineExceeded');
    const statuses = store.list(typeOf('Pod'), 'demo').map((p) => JSON.stringify(getIn(p, ['status', 'containerStatuses'])));
    expect(statuses.filter((s) => s.includes('CrashLoopBackOff'))).toHaveLength(2);
    store.update(DEPLOYMENT, { ...(failed as KubeObject), spec: deployment('web:2').spec ?? {} });
    await controllers.settle();
    expect(store.list(typeOf('Pod'), 'demo')).toHaveLength(2);
    expect(conditions(store.get(DEPLOYMENT, 'demo', 'web')).Progressing).toBe('True/NewReplicaSetAvailable');
  });

  it('completes a job, or fails it when its image is marked crashing', async () => {
    const { store, controllers } = setup({ crashingImages: ['migrate:fail'] });
    const job = (name: string, image: string): KubeObject => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'demo' },
      spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } } },
    });
    store.create(typeOf('Job'), job('ok', 'migrate:1'));
    store.create(typeOf('Job'), job('ko', 'migrate:fail'));
    await controllers.settle();
    expect(store.get(typeOf('Job'), 'demo', 'ok')?.status).toMatchObject({ succeeded: 1 });
    expect(conditions(store.get(typeOf('Job'), 'demo', 'ok')).Complete).toBe('True/CompletionsReached');
    expect(store.get(typeOf('Job'), 'demo', 'ko')?.status).toMatchObject({ failed: 3 });
    expect(conditions(store.get(typeOf('Job'), 'demo', 'ko')).Failed).toBe('True/BackoffLimitExceeded');
  });

  it("ends a Job's pod as the test's jobRunner says, keeping its log, and labels the pod for the Job's selector", async () => {
    const { store, controllers } = setup({
      jobRunner: async (job) => {
        if (job.metadata.name === 'build') return { succeeded: true, log: 'pushed\n' };
        if (job.metadata.name === 'broken') return { succeeded: false, log: 'step 1\nerror: no Dockerfile\n' };
        if (job.metadata.name === 'throws') throw new Error('hook failed');
        return undefined;
      },
    });
    const job = (name: string): KubeObject => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'demo' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'kaniko:1' }] } } },
    });
    for (const name of ['build', 'broken', 'throws', 'plain']) store.create(typeOf('Job'), job(name));
    await controllers.settle();
    await eventually('every Job to end', () => store.list(typeOf('Job'), 'demo').every((j) => getIn(j, ['status', 'active']) === 0));
    const podOf = (name: string) => store.list(typeOf('Pod'), 'demo').find((p) => getIn(p, ['metadata', 'labels', 'job-name']) === name)!;
    const podName = (name: string) => String(podOf(name).metadata.name);
    const ended = (name: string) => conditions(store.get(typeOf('Job'), 'demo', name));
    expect(ended('build').Complete).toBe('True/CompletionsReached');
    expect(ended('plain').Complete).toBe('True/CompletionsReached');
    expect(ended('broken').Failed).toBe('True/BackoffLimitExceeded');
    expect(store.get(typeOf('Job'), 'demo', 'broken')?.status).toMatchObject({ failed: 1, active: 0 });
    expect(ended('throws').Failed).toBe('True/BackoffLimitExceeded');
    expect(controllers.podLog('demo', podName('build'))).toBe('pushed\n');
    expect(controllers.podLog('demo', podName('broken'))).toBe('step 1\nerror: no Dockerfile\n');
    expect(controllers.podLog('demo', podName('throws'))).toBe('hook failed');
    expect(getIn(podOf('broken'), ['status', 'phase'])).toBe('Failed');
    const build = store.get(typeOf('Job'), 'demo', 'build')!;
    const selector = (build.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    expect(selector).toEqual({ 'batch.kubernetes.io/controller-uid': build.metadata.uid });
    expect(podOf('build').metadata.labels).toMatchObject(selector);
  });

  it('deleting the deployment deletes its pods', async () => {
    const { store, controllers } = setup();
    store.create(DEPLOYMENT, deployment('web:1'));
    await controllers.settle();
    store.delete(DEPLOYMENT, 'demo', 'web');
    expect(store.list(typeOf('Pod'), 'demo')).toEqual([]);
  });
});
