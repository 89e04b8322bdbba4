// A rollout followed through a watch of the kube simulator (its controllers on real timers): the
// Deployment is read once, then each change comes over the watch, so the wait ends when the
// rollout does and not a poll interval later (here an hour: only the watch can end it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/core/ports/cluster.js';
import { waitForRollout } from '../../../src/core/release/wait-for-rollout.js';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import { WatchRefused } from '../../../src/adapters/kube/client/http-transport.js';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import type { KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { deploymentObject, namespaceObject, refTo } from '../../support/kube-objects.js';
import { SIM_CONTEXT, simKubeConfig, startSimProvider } from '../../support/kube-sim-provider.js';

const HOUR_MS = 3_600_000;
/** An image the simulated nodes never pull: its Deployment rolls out until its deadline. */
const STUCK = 'registry/org/mary:stuck-1a2b3c4';
let sim: KubeSimulator;
let cluster: Cluster;
const requests: string[] = [];

beforeAll(async () => {
  const started = await startSimProvider({ controllers: { readyDelayMs: 200, missingImages: [STUCK] }, log: (line) => requests.push(line) });
  sim = started.sim;
  cluster = started.provider.cluster(SIM_CONTEXT);
});

afterAll(async () => {
  await sim.close();
});

describe('waitForRollout through a watch', () => {
  it('reads a rolling Deployment once, then sees it become available through one watch', async () => {
    const web = deploymentObject('watched', 'web', 'registry/org/mary:1a2b3c4', { replicas: 2 });
    await cluster.apply([namespaceObject('watched'), web], { fieldManager: 'nestor' });
    requests.length = 0;
    const seen: string[] = [];
    const outcomes = await waitForRollout(cluster, [refTo(web)], { clock: systemClock, pollIntervalMs: HOUR_MS, onProgress: (s) => seen.push(s.state) });
    expect(outcomes).toEqual([expect.objectContaining({ state: 'available' })]);
    expect(seen).toEqual(['progressing', 'available']);
    const deployment = requests.filter((r) => r.includes('/deployments'));
    expect(deployment.filter((r) => r.startsWith('GET /apis/apps/v1/namespaces/watched/deployments/web'))).toHaveLength(1);
    expect(deployment.filter((r) => r.includes('watch=1'))).toEqual([
      expect.stringMatching(/^GET \/apis\/apps\/v1\/namespaces\/watched\/deployments\?.*fieldSelector=metadata.name%3Dweb.*resourceVersion=\d+/),
    ]);
  });

  it('is told a Deployment deleted while it is watched as failed (NotFound)', async () => {
    const web = deploymentObject('deleted', 'web', STUCK, { replicas: 2 });
    await cluster.apply([namespaceObject('deleted'), web], { fieldManager: 'nestor' });
    const outcomes = await waitForRollout(cluster, [refTo(web)], {
      clock: systemClock, pollIntervalMs: HOUR_MS,
      onProgress: (s) => {
        if (s.state === 'progressing') void cluster.delete(refTo(web));
      },
    });
    expect(outcomes).toEqual([expect.objectContaining({ state: 'failed', reason: 'NotFound' })]);
  });

  it('asks for no more watches on that cluster once one is refused as not allowed (403): its rollouts are polled', async () => {
    let asked = 0;
    let refused!: () => void;
    const refusal = new Promise<void>((resolve) => {
      refused = resolve;
    });
    const refusing = new KubeClusterProvider(simKubeConfig(sim), {
      watch: () => async () => {
        asked += 1;
        refused();
        throw new WatchRefused(403);
      },
    }).cluster(SIM_CONTEXT);
    const stuck = (name: string) => deploymentObject('refused', name, STUCK, { replicas: 1 });
    await refusing.apply([namespaceObject('refused'), stuck('web'), stuck('worker')], { fieldManager: 'nestor' });
    // Each wait is stopped at its first pause (the first once its watch was refused): both Deployments stay stuck.
    const waitOnce = (name: string, pause: () => Promise<void>) => {
      const stop = new AbortController();
      const clock = { now: () => Date.now(), sleep: async () => {
        await pause();
        stop.abort();
      } };
      return waitForRollout(refusing, [refTo(stuck(name))], { clock, pollIntervalMs: 50, signal: stop.signal });
    };
    await expect(waitOnce('web', () => refusal)).rejects.toThrow();
    await expect(waitOnce('worker', async () => undefined)).rejects.toThrow();
    expect(asked).toBe(1);
  });
});
