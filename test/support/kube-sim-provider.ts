// Starts a kube simulator and a KubeClusterProvider on it, for tests of the real adapter.
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClusterProvider, type KubeClusterProviderOptions } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import type { Cluster } from '../../src/core/ports/cluster.js';
import { startKubeSimulator, type KubeSimulator, type KubeSimulatorOptions } from '../../src/testkit/kube-sim/index.js';
import { perFile } from './per-test.js';

export const SIM_CONTEXT = 'kapten_dev_eu-w1';

/** A KubeConfig for the simulator. Its kubeconfig serves plain HTTP: client-node needs skipTLSVerify for that. */
export function simKubeConfig(sim: KubeSimulator, contexts: readonly string[] = [SIM_CONTEXT]): KubeConfig {
  const loaded = new KubeConfig();
  loaded.loadFromString(sim.kubeconfig(contexts));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: loaded.getClusters().map((c) => ({ ...c, skipTLSVerify: true })),
    users: loaded.getUsers(),
    contexts: loaded.getContexts(),
    currentContext: loaded.getCurrentContext(),
  });
  return kubeConfig;
}

export interface SimProvider {
  sim: KubeSimulator;
  provider: KubeClusterProvider;
}

export async function startSimProvider(
  simOptions: KubeSimulatorOptions = {}, providerOptions: KubeClusterProviderOptions = {},
): Promise<SimProvider> {
  const sim = await startKubeSimulator({ port: 0, ...simOptions });
  return { sim, provider: new KubeClusterProvider(simKubeConfig(sim), providerOptions) };
}

/** A simulator on a manual clock and the cluster of its context, for all the tests of a file. */
export function simClusterPerFile(): { sim: KubeSimulator; cluster: Cluster } {
  return perFile('the simulated cluster', async () => {
    const { sim, provider } = await startSimProvider({ clock: 'manual' });
    return { sim, cluster: provider.cluster(SIM_CONTEXT) };
  }, ({ sim }) => sim.close());
}
