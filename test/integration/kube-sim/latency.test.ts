// The simulator's latencyMs: every answer waits on its own timer, so requests overlap instead of
// queueing behind one another, a watch waits once and then streams, and close() ends the waits.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeSimulator, typeOf, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { eventually } from '../../support/eventually.js';

let sim: KubeSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: '1' } });

describe('simulator latency', () => {
  it('answers no sooner than latencyMs after the request', async () => {
    sim = await startKubeSimulator({ latencyMs: 300 });
    const start = performance.now();
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`);
    // A lower bound only: a loaded machine makes it later, never sooner.
    expect(performance.now() - start).toBeGreaterThanOrEqual(299);
    expect(res.status).toBe(200);
  });

  it('keeps many requests waiting at once without blocking: each is received at once, answered later', async () => {
    sim = await startKubeSimulator({ latencyMs: 600_000 });
    let answered = 0;
    const requests = Array.from({ length: 20 }, (_, i) =>
      fetch(`${sim!.url}/api/v1/namespaces/default/configmaps/c${i}`).then(() => { answered++; }, () => undefined));
    await eventually('20 requests received', () => sim!.faults.count() === 20);
    // The simulator's own event loop is free: in-process work goes on while the answers wait.
    sim.store.create(typeOf('ConfigMap'), configMap('meanwhile'));
    expect(sim.store.get(typeOf('ConfigMap'), 'default', 'meanwhile')).toBeDefined();
    expect(answered).toBe(0);
    await sim.close();
    sim = undefined;
    await Promise.all(requests);
    expect(answered).toBe(0);
  });

  it('delays a watch once, then streams its events as they happen', async () => {
    sim = await startKubeSimulator({ latencyMs: 50 });
    const start = performance.now();
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${sim.store.resourceVersion()}`);
    expect(performance.now() - start).toBeGreaterThanOrEqual(49);
    const reader = res.body!.getReader();
    sim.store.create(typeOf('ConfigMap'), configMap('watched'));
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
    await reader.cancel();
  });
});
