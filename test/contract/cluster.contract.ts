// One behaviour for every Cluster: the in-memory fake and the real adapter on the simulator.
import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../src/core/errors.js';
import type { Cluster, ClusterProvider, KubeObject, ObjectRef, PodLogLine } from '../../src/core/ports/cluster.js';

/** The one image every cluster under test is told never starts. */
export const FAILING_IMAGE = 'registry/org/mary:fail-1a2b3c4';

export interface ClusterFixture {
  provider: ClusterProvider;
  /** A context name the provider knows. */
  context: string;
  /** Lets rollouts reach their outcome (simulated controllers; nothing for the fake). */
  settle: () => Promise<void>;
}

let counter = 0;

function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'nestor' } } };
}

function configMap(ns: string, name: string, data: Record<string, string>, labels: Record<string, string> = { app: 'mary' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data };
}

function deployment(ns: string, name: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels: { app: 'mary', process: 'web' } },
    spec: {
      replicas: 2, progressDeadlineSeconds: 30, selector: { matchLabels: { app: 'mary', process: 'web' } },
      template: { metadata: { labels: { app: 'mary', process: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

const ref = (obj: KubeObject): ObjectRef => ({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });

async function rejection(promise: Promise<unknown>): Promise<NestorError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NestorError);
  return err as NestorError;
}

export function clusterContract(name: string, makeFixture: () => Promise<ClusterFixture>): void {
  describe(`Cluster contract: ${name}`, () => {
    let fixture: ClusterFixture;
    let cluster: Cluster;
    let ns: string;

    beforeEach(async () => {
      fixture = await makeFixture();
      cluster = fixture.provider.cluster(fixture.context);
      ns = `contract-${++counter}`;
    });

    it('names itself after its context and refuses unknown contexts', () => {
      expect(cluster.name).toBe(fixture.context);
      expect(() => fixture.provider.cluster('no-such-context')).toThrow(expect.objectContaining({ code: ErrorCode.ConfigInvalid }));
    });

    it('applies the namespace first, then in install order, and reports each object', async () => {
      const objects = [deployment(ns, 'mary-web', 'registry/org/mary:1a2b3c4'), configMap(ns, 'mary-env', { A: '1' }), namespace(ns)];
      const applied = await cluster.apply(objects, { fieldManager: 'nestor' });
      expect(applied.map((a) => [a.ref.kind, a.result])).toEqual([['Namespace', 'created'], ['ConfigMap', 'created'], ['Deployment', 'created']]);
      expect(applied[1]?.ref).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'mary-env' });
      expect(applied[0]?.ref.namespace).toBeUndefined();
      const again = await cluster.apply(objects, { fieldManager: 'nestor' });
      expect(again.map((a) => a.result)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      const changed = await cluster.apply([configMap(ns, 'mary-env', { A: '2' })], { fieldManager: 'nestor' });
      expect(changed.map((a) => a.result)).toEqual(['configured']);
      expect((await cluster.get(ref(configMap(ns, 'mary-env', {}))))?.['data']).toEqual({ A: '2' });
    });

    it('tells created, configured and unchanged against what the caller read just before the apply', async () => {
      await cluster.apply([namespace(ns)], { fieldManager: 'nestor' });
      const applyAfterReading = async (obj: KubeObject): Promise<string[]> => {
        const live = await cluster.get(ref(obj));
        return (await cluster.apply([obj], { fieldManager: 'nestor', before: () => live })).map((a) => a.result);
      };
      expect(await applyAfterReading(configMap(ns, 'read', { A: '1' }))).toEqual(['created']);
      expect(await applyAfterReading(configMap(ns, 'read', { A: '1' }))).toEqual(['unchanged']);
      expect(await applyAfterReading(configMap(ns, 'read', { A: '2' }))).toEqual(['configured']);
      expect((await cluster.get(ref(configMap(ns, 'read', {}))))?.['data']).toEqual({ A: '2' });
    });

    it('changes nothing on a dry run', async () => {
      await cluster.apply([namespace(ns)], { fieldManager: 'nestor' });
      const applied = await cluster.apply([configMap(ns, 'dry', { A: '1' })], { fieldManager: 'nestor', dryRun: true });
      expect(applied.map((a) => a.result)).toEqual(['created']);
      expect(await cluster.get(ref(configMap(ns, 'dry', {})))).toBeUndefined();
    });

    it('removes a field its manager stops applying', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'cfg', { A: '1', B: '2' })], { fieldManager: 'nestor' });
      await cluster.apply([configMap(ns, 'cfg', { A: '1' })], { fieldManager: 'nestor' });
      expect((await cluster.get(ref(configMap(ns, 'cfg', {}))))?.['data']).toEqual({ A: '1' });
    });

    it('gets an object, or undefined when absent', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'cfg', { A: '1' })], { fieldManager: 'nestor' });
      const live = await cluster.get(ref(configMap(ns, 'cfg', {})));
      expect(live).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns, labels: { app: 'mary' } }, data: { A: '1' } });
      expect(await cluster.get(ref(configMap(ns, 'nope', {})))).toBeUndefined();
    });

    it("reads a pod's log, or undefined when there is no such pod", async () => {
      const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'one-off', namespace: ns }, spec: { containers: [{ name: 'main', image: 'busybox:1' }] } };
      await cluster.apply([namespace(ns), pod], { fieldManager: 'nestor' });
      expect(await cluster.podLog(ns, 'one-off', { tailLines: 5 })).toBe('');
      expect(await cluster.podLog(ns, 'nobody')).toBeUndefined();
    });

    it("streams a pod's log line by line (none printed yet: no line, and it ends without follow); no such pod is refused", async () => {
      const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'one-off', namespace: ns }, spec: { containers: [{ name: 'main', image: 'busybox:1' }] } };
      await cluster.apply([namespace(ns), pod], { fieldManager: 'nestor' });
      const lines: PodLogLine[] = [];
      await cluster.streamPodLog(ns, 'one-off', { container: 'main', follow: false, onLines: (l) => void lines.push(...l) });
      expect(lines).toEqual([]);
      const err = await rejection(cluster.streamPodLog(ns, 'nobody', { container: 'main', follow: false, onLines: () => undefined }));
      expect(err.code).toBe(ErrorCode.BadInput);
      expect(err.message).toContain(`Pod ${ns}/nobody`);
    });

    it('lists by kinds and label selector in one namespace', async () => {
      const other = `${ns}-other`;
      await cluster.apply([
        namespace(ns), namespace(other),
        configMap(ns, 'mine', { A: '1' }, { app: 'mary', 'app.kubernetes.io/managed-by': 'nestor' }),
        configMap(ns, 'theirs', { A: '1' }, { app: 'mary' }),
        configMap(other, 'elsewhere', { A: '1' }, { app: 'mary', 'app.kubernetes.io/managed-by': 'nestor' }),
        deployment(ns, 'mary-web', 'registry/org/mary:1a2b3c4'),
      ], { fieldManager: 'nestor' });
      const found = await cluster.list({
        namespace: ns, labelSelector: 'app=mary,app.kubernetes.io/managed-by=nestor',
        kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'apps/v1', kind: 'Deployment' }],
      });
      expect(found.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual(['v1 ConfigMap mine']);
      const all = await cluster.list({ namespace: ns, labelSelector: 'app in (mary)', kinds: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] });
      expect(all.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Deployment mary-web']);
    });

    it('lists nothing, without an error, of a kind the cluster does not serve (a CRD not installed)', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'mine', { A: '1' }, { app: 'mary' })], { fieldManager: 'nestor' });
      const found = await cluster.list({
        namespace: ns, labelSelector: 'app=mary',
        kinds: [{ apiVersion: 'widgets.example.com/v1', kind: 'Widget' }, { apiVersion: 'v1', kind: 'ConfigMap' }],
      });
      expect(found.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ConfigMap mine']);
    });

    it('deletes, then reports absent', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'cfg', { A: '1' })], { fieldManager: 'nestor' });
      expect(await cluster.delete(ref(configMap(ns, 'cfg', {})))).toBe('deleted');
      expect(await cluster.delete(ref(configMap(ns, 'cfg', {})))).toBe('absent');
      expect(await cluster.get(ref(configMap(ns, 'cfg', {})))).toBeUndefined();
    });

    it('refuses to take another manager\'s field, naming it, unless forced', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'cfg', { color: 'blue' })], { fieldManager: 'kubectl' });
      const err = await rejection(cluster.apply([configMap(ns, 'cfg', { color: 'red' })], { fieldManager: 'nestor' }));
      expect(err.code).toBe(ErrorCode.Conflict);
      expect(err.message).toContain('"kubectl"');
      expect(err.message).toContain('.data.color');
      expect(err.message).toContain(`ConfigMap ${ns}/cfg`);
      expect((await cluster.get(ref(configMap(ns, 'cfg', {}))))?.['data']).toEqual({ color: 'blue' });
      const forced = await cluster.apply([configMap(ns, 'cfg', { color: 'red' })], { fieldManager: 'nestor', force: true });
      expect(forced.map((a) => a.result)).toEqual(['configured']);
      expect((await cluster.get(ref(configMap(ns, 'cfg', {}))))?.['data']).toEqual({ color: 'red' });
    });

    it('shares a field applied with the same value, without conflict', async () => {
      await cluster.apply([namespace(ns), configMap(ns, 'cfg', { color: 'blue' })], { fieldManager: 'kubectl' });
      const applied = await cluster.apply([configMap(ns, 'cfg', { color: 'blue' })], { fieldManager: 'nestor' });
      expect(applied).toHaveLength(1);
    });

    it('says which namespace is missing', async () => {
      const err = await rejection(cluster.apply([configMap(`${ns}-missing`, 'cfg', { A: '1' })], { fieldManager: 'nestor' }));
      expect(err.code).toBe(ErrorCode.BadInput);
      expect(err.message).toContain(`${ns}-missing`);
      expect(err.message).toContain('nothing was applied');
    });

    it('never prints secret values in errors', async () => {
      const secret = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns }, type: 'Opaque', data: { password: Buffer.from(value).toString('base64') } });
      await cluster.apply([namespace(ns), secret('old-hunter2')], { fieldManager: 'kubectl' });
      const err = await rejection(cluster.apply([secret('new-hunter2')], { fieldManager: 'nestor' }));
      expect(err.code).toBe(ErrorCode.Conflict);
      expect(err.message).toContain('.data.password');
      for (const leak of ['hunter2', Buffer.from('new-hunter2').toString('base64'), Buffer.from('old-hunter2').toString('base64')]) expect(err.message).not.toContain(leak);
    });

    it('reports a rollout available once its pods are', async () => {
      const web = deployment(ns, 'mary-web', 'registry/org/mary:1a2b3c4');
      await cluster.apply([namespace(ns), web], { fieldManager: 'nestor' });
      await fixture.settle();
      const status = await cluster.rolloutStatus(ref(web));
      expect(status).toMatchObject({ state: 'available', progressDeadlineSeconds: 30, podSelector: 'app=mary,process=web' });
      expect(status.replicas).toMatchObject({ desired: 2, updated: 2, available: 2 });
    });

    it('reports a failing image as failed with ProgressDeadlineExceeded and a Warning event', async () => {
      const web = deployment(ns, 'mary-web', FAILING_IMAGE);
      await cluster.apply([namespace(ns), web], { fieldManager: 'nestor' });
      await fixture.settle();
      const status = await cluster.rolloutStatus(ref(web));
      expect(status).toMatchObject({ state: 'failed', reason: 'ProgressDeadlineExceeded' });
      expect(status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }));
      const events = await cluster.events(ns, ref(web));
      expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ProgressDeadlineExceeded', involved: expect.objectContaining({ kind: 'Deployment', name: 'mary-web' }) }));
    });

    it('reports a missing Deployment as failed (NotFound) and refuses other kinds', async () => {
      const status = await cluster.rolloutStatus({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'ghost' });
      expect(status).toMatchObject({ state: 'failed', reason: 'NotFound' });
      const err = await rejection(cluster.rolloutStatus({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'x' }));
      expect(err.code).toBe(ErrorCode.BadInput);
    });
  });
}
