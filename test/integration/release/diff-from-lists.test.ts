// A release's diff reads what is live from the prune's lists of the app's objects (one per kind,
// by the app's labels): only what no such list returns (the Namespace, the Secret) is read alone,
// and an object the list could return but did not is read before being called new.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterProvider, KubeObject } from '../../../src/core/ports/cluster.js';
import { prepareCluster } from '../../../src/core/release/cluster-steps.js';
import { ENVIRONMENT, MANAGED_BY } from '../../../src/core/render/labels.js';
import type { ClusterManifests } from '../../../src/core/render/types.js';
import type { KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { SIM_CONTEXT, startSimProvider } from '../../support/kube-sim-provider.js';

const ENV = 'lists';
const labels = { app: 'mary', [MANAGED_BY]: 'nestor', [ENVIRONMENT]: ENV };

let sim: KubeSimulator;
let provider: ClusterProvider;
beforeAll(async () => {
  ({ sim, provider } = await startSimProvider({ clock: 'manual' }));
});
afterAll(() => sim.close());
beforeEach(() => sim.faults.reset());

function rendered(image: string, extra: KubeObject[] = []): ClusterManifests {
  const meta = (name: string) => ({ name, namespace: ENV, labels });
  const podLabels = { app: 'mary', process: 'web' };
  return {
    cluster: 'dev', context: SIM_CONTEXT, namespace: ENV,
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ENV, labels: { [MANAGED_BY]: 'nestor' } } },
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('mary-secrets'), type: 'Opaque', data: { TOKEN: Buffer.from('hunter22').toString('base64') } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('mary-env'), data: { A: '1' } },
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('mary-web'),
        spec: { replicas: 1, selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'web', image }] } } },
      },
      ...extra,
    ],
  };
}

/** GETs of one object each (lists carry a labelSelector). */
const singleReads = (): string[] => sim.faults.requests.filter((r) => r.method === 'GET' && !r.query.includes('labelSelector')).map((r) => r.path);

describe('prepareCluster', () => {
  it('reads the app\'s objects from its lists, each other object alone, and prunes what is listed but no longer rendered', async () => {
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mary-web', namespace: ENV, labels }, spec: { ports: [{ port: 80 }], selector: { app: 'mary' } } };
    const first = await prepareCluster(provider, rendered('img:1', [service]), 'mary', ENV);
    expect(first.diff.changes.map((c) => c.change)).toEqual(['create', 'create', 'create', 'create', 'create']);
    await first.cluster.apply(first.manifests.objects, { fieldManager: 'nestor' });

    sim.faults.reset();
    const next = await prepareCluster(provider, rendered('img:2'), 'mary', ENV);
    expect(next.diff.changes.map((c) => `${c.object} ${c.change}`)).toEqual([
      `Namespace ${ENV} unchanged`, `Secret ${ENV}/mary-secrets unchanged`, `ConfigMap ${ENV}/mary-env unchanged`,
      `Deployment ${ENV}/mary-web update`, `Service ${ENV}/mary-web delete`,
    ]);
    expect(next.diff.text).toContain('-          image: img:1\n+          image: img:2');
    expect(next.diff.text).not.toContain('hunter22');
    expect(next.prune.map((o) => o.metadata.name)).toEqual(['mary-web']);
    expect(next.live.get(`Deployment ${ENV}/mary-web`)?.metadata['resourceVersion']).toBeDefined();
    expect(singleReads().sort()).toEqual([`/api/v1/namespaces/${ENV}`, `/api/v1/namespaces/${ENV}/secrets/mary-secrets`]);
  });

  it('does not read again the Secret the release read for its render', async () => {
    const cluster = provider.cluster(SIM_CONTEXT);
    const secret = await cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace: ENV, name: 'mary-secrets' });
    sim.faults.reset();
    const prepared = await prepareCluster(provider, rendered('img:2'), 'mary', ENV, new Map([[`Secret ${ENV}/mary-secrets`, secret!]]));
    expect(prepared.diff.changes.find((c) => c.object === `Secret ${ENV}/mary-secrets`)?.change).toBe('unchanged');
    expect(singleReads()).toEqual([`/api/v1/namespaces/${ENV}`]);
  });

  it('reads an object the list did not return before calling it new: live without the app\'s labels, it is an update', async () => {
    const unlabelled: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mary-extra', namespace: ENV }, data: { B: '1' } };
    await provider.cluster(SIM_CONTEXT).apply([unlabelled], { fieldManager: 'kubectl' });
    sim.faults.reset();
    const extra: KubeObject = { ...unlabelled, metadata: { ...unlabelled.metadata, labels } };
    const prepared = await prepareCluster(provider, rendered('img:2', [extra]), 'mary', ENV);
    expect(prepared.diff.changes.find((c) => c.object === `ConfigMap ${ENV}/mary-extra`)).toMatchObject({ change: 'update', fields: ['metadata.labels'] });
    expect(singleReads()).toContain(`/api/v1/namespaces/${ENV}/configmaps/mary-extra`);
  });
});
