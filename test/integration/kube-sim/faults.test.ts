import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSimulator, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';

let sim: KubeSimulator;
beforeAll(async () => {
  sim = await startKubeSimulator({ port: 0 });
});
afterAll(() => sim.close());

describe('injected faults', () => {
  it('answer like the real API server: reason by status, Retry-After on 429', async () => {
    sim.faults.failNext(1, { status: 429, match: { pathIncludes: '/configmaps' } });
    sim.faults.failNext(1, { status: 404, match: { pathIncludes: '/configmaps' } });
    const url = `${sim.url}/api/v1/namespaces/default/configmaps`;
    const throttled = await fetch(url);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await throttled.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 1 } });
    const missing = await fetch(url);
    expect(missing.headers.get('retry-after')).toBeNull();
    expect(await missing.json()).toMatchObject({ reason: 'NotFound', code: 404 });
    expect((await fetch(url)).status).toBe(200);
  });
});
