// Cluster.list sends its GETs, one per kind, at once: a release's prune lookup (six kinds) costs
// one round trip to the API server, not six. The simulator holds them all unanswered to show it.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { configMapObject, deploymentObject, namespaceObject } from '../../support/kube-objects.js';
import { simClusterPerFile } from '../../support/kube-sim-provider.js';

const world = simClusterPerFile();

const KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
];

describe('Cluster.list', () => {
  it('asks for every kind at once and returns the objects in the order of the kinds', async () => {
    const labels = { app: 'listed' };
    const withLabels = <T extends { metadata: object }>(o: T) => ({ ...o, metadata: { ...o.metadata, labels } });
    await world.cluster.apply([namespaceObject('listed'), withLabels(configMapObject('listed', 'cm', { a: '1' })), withLabels(deploymentObject('listed', 'web', 'img:1'))], { fieldManager: 'test' });
    world.sim.faults.hangNext(KINDS.length, { method: 'GET', pathIncludes: '/namespaces/listed/' });
    const listed = world.cluster.list({ namespace: 'listed', kinds: KINDS, labelSelector: 'app=listed' });
    await eventually('every kind asked for while none is answered', () => world.sim.faults.hungCount === KINDS.length);
    world.sim.faults.releaseHung();
    expect((await listed).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'ConfigMap/cm']);
  });
});
