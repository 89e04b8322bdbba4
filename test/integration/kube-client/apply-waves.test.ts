// Cluster.apply sends a wave's objects at once (a round trip per wave, not per object) and the
// next wave only once every object of the one before is applied: the namespace before what it
// holds, config and Secrets before the workloads whose pods read them. The simulator holds the
// requests unanswered to show it.
import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import type { KubeObject } from '../../../src/core/ports/cluster.js';
import { eventually } from '../../support/eventually.js';
import { configMapObject, deploymentObject, namespaceObject } from '../../support/kube-objects.js';
import { simClusterPerFile } from '../../support/kube-sim-provider.js';

const world = simClusterPerFile();

function secretObject(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: { token: Buffer.from('s3cr3t-value').toString('base64') } };
}

describe('Cluster.apply', () => {
  it('applies each wave at once, the namespace first, then config and Secrets, then the workloads', async () => {
    const ns = 'waves';
    world.sim.faults.hangNext(5, { method: 'PATCH', pathIncludes: ns });
    const applying = world.cluster.apply([
      deploymentObject(ns, 'web', 'img:1'), deploymentObject(ns, 'worker', 'img:1'),
      configMapObject(ns, 'env', { A: '1' }), secretObject(ns, 'keys'), namespaceObject(ns),
    ], { fieldManager: 'nestor' });
    await eventually('the namespace asked for alone', () => world.sim.faults.hungCount === 1);
    expect(world.sim.faults.count({ method: 'PATCH', pathIncludes: `/namespaces/${ns}/` })).toBe(0);
    world.sim.faults.releaseHung();
    await eventually('the ConfigMap and the Secret asked for together', () => world.sim.faults.hungCount === 2);
    expect(world.sim.faults.count({ method: 'PATCH', pathIncludes: '/deployments/' })).toBe(0);
    world.sim.faults.releaseHung();
    await eventually('both Deployments asked for together', () => world.sim.faults.hungCount === 2);
    world.sim.faults.releaseHung();
    expect((await applying).map((a) => `${a.ref.kind} ${a.ref.name} ${a.result}`)).toEqual([
      'Namespace waves created', 'Secret keys created', 'ConfigMap env created', 'Deployment web created', 'Deployment worker created',
    ]);
  });

  it('stops at a failed wave once it has settled, naming what it applied, and applies nothing after it', async () => {
    const ns = 'waves-failing';
    world.sim.faults.failNext(1, { status: 422, match: { method: 'PATCH', pathIncludes: `/namespaces/${ns}/configmaps/` }, message: 'ConfigMap "env" is invalid' });
    const err = await world.cluster.apply([
      deploymentObject(ns, 'web', 'img:1'), configMapObject(ns, 'env', { A: '1' }), secretObject(ns, 'keys'), namespaceObject(ns),
    ], { fieldManager: 'nestor' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NestorError);
    const message = (err as NestorError).message;
    expect((err as NestorError).code).toBe(ErrorCode.BadInput);
    expect(message).toContain(`ConfigMap ${ns}/env`);
    expect(message).toContain(`already applied in this call: Namespace ${ns} (created), Secret ${ns}/keys (created)`);
    expect(message).not.toContain('s3cr3t-value');
    expect(world.sim.faults.count({ method: 'PATCH', pathIncludes: `/namespaces/${ns}/deployments/` })).toBe(0);
  });
});
