import { afterAll, beforeAll } from 'vitest';
import { MemoryClusterProvider } from '../../src/testkit/fakes/kube/memory-cluster.js';
import type { KubeSimulator } from '../../src/testkit/kube-sim/index.js';
import { SIM_CONTEXT, startSimProvider } from '../support/kube-sim-provider.js';
import type { KubeClusterProvider } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import { clusterContract, FAILING_IMAGE } from './cluster.contract.js';

clusterContract('in-memory fake', async () => {
  const provider = new MemoryClusterProvider(['fake-context']);
  provider.cluster('fake-context').setRollout(/:fail/, { outcome: 'failed' });
  return { provider, context: 'fake-context', settle: async () => undefined };
});

let sim: KubeSimulator;
let provider: KubeClusterProvider;

beforeAll(async () => {
  ({ sim, provider } = await startSimProvider({ clock: 'manual', controllers: { missingImages: [FAILING_IMAGE] } }));
});

afterAll(async () => {
  await sim.close();
});

clusterContract('client-node adapter on the kube simulator', async () => ({
  provider, context: SIM_CONTEXT, settle: () => sim.controllers.settle(),
}));
