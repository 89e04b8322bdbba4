// Transient API failures: bounded retries with jittered backoff, then ClusterUnavailable naming
// what failed and what was already applied. Sleeps are injected; only the hung-request test
// waits for the (short) per-request timeout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import type { RetryInfo } from '../../../src/adapters/http/transient-retry.js';
import type { KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import type { Cluster } from '../../../src/core/ports/cluster.js';
import { configMapObject, deploymentObject, namespaceObject } from '../../support/kube-objects.js';
import { SIM_CONTEXT, simKubeConfig, startSimProvider } from '../../support/kube-sim-provider.js';

let sim: KubeSimulator;
let cluster: Cluster;
const retries: RetryInfo[] = [];
let clock = new InstantClock();
let ns = 0;

beforeAll(async () => {
  const started = await startSimProvider({ clock: 'manual' }, {
    retry: { timeoutMs: 300, random: () => 0.5, clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) }, onRetry: (info) => void retries.push(info) },
  });
  sim = started.sim;
  cluster = started.provider.cluster(SIM_CONTEXT);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.faults.reset();
  retries.length = 0;
  clock = new InstantClock();
  ns++;
});

async function failure(promise: Promise<unknown>): Promise<NestorError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NestorError);
  return err as NestorError;
}

describe('retries of the kube client', () => {
  it('applies after two 500s, with exponential jittered waits', async () => {
    sim.faults.failNext(2, { status: 500, match: { method: 'PATCH' } });
    const applied = await cluster.apply([namespaceObject(`r${ns}`), configMapObject(`r${ns}`, 'cfg', { A: '1' })], { fieldManager: 'nestor' });
    expect(applied.map((a) => a.result)).toEqual(['created', 'created']);
    expect(sim.faults.count({ method: 'PATCH' })).toBe(4);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(clock.waits).toEqual([125, 250]);
    expect(retries[0]?.problem).toContain('HTTP 500');
  });

  it('retries 503 and 429 too', async () => {
    sim.faults.failNext(1, { status: 503, match: { method: 'PATCH' } });
    sim.faults.failNext(1, { status: 429, match: { method: 'PATCH' } });
    await cluster.apply([namespaceObject(`r${ns}`)], { fieldManager: 'nestor' });
    expect(retries.map((r) => r.problem.slice(0, 8))).toEqual(['HTTP 503', 'HTTP 429']);
    expect(clock.waits[1]).toBe(1000);
  });

  it('gives up after 4 attempts with ClusterUnavailable listing what was applied', async () => {
    sim.faults.failNext(1000, { status: 500, match: { method: 'PATCH', pathIncludes: '/deployments/' } });
    const objects = [deploymentObject(`r${ns}`, 'web', 'registry/org/mary:abc'), configMapObject(`r${ns}`, 'cfg', { A: '1' }), namespaceObject(`r${ns}`)];
    const err = await failure(cluster.apply(objects, { fieldManager: 'nestor' }));
    expect(err.code).toBe(ErrorCode.ClusterUnavailable);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`apply Deployment r${ns}/web failed: HTTP 500`);
    expect(err.message).toContain('after 4 attempts');
    expect(err.message).toContain(`already applied in this call: Namespace r${ns} (created), ConfigMap r${ns}/cfg (created)`);
    expect(sim.faults.count({ method: 'PATCH', pathIncludes: '/deployments/' })).toBe(4);
    expect(clock.waits.every((ms) => ms <= 5000)).toBe(true);
  });

  it('abandons a hung request after its timeout and retries it', async () => {
    sim.faults.hangNext(1, { method: 'PATCH' });
    const applied = await cluster.apply([namespaceObject(`r${ns}`)], { fieldManager: 'nestor' });
    expect(applied.map((a) => a.result)).toEqual(['created']);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.problem).toContain('no answer within 300 ms');
    sim.faults.releaseHung();
  });

  it('does not retry a 422 and says what is invalid in one line', async () => {
    sim.faults.failNext(1, { status: 422, match: { method: 'PATCH' }, message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1' });
    const err = await failure(cluster.apply([namespaceObject(`r${ns}`)], { fieldManager: 'nestor' }));
    expect(err.code).toBe(ErrorCode.BadInput);
    expect(err.message).toMatch(/^cluster kapten_dev_eu-w1: apply Namespace r\d+ refused \(422[^)]*\): .*spec\.replicas/);
    expect(err.message).not.toContain('\n');
    expect(retries).toHaveLength(0);
  });

  it('maps 403 to NotAuthorized without retrying', async () => {
    sim.faults.failNext(1, { status: 403, match: { method: 'GET' } });
    const err = await failure(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' }));
    expect(err.code).toBe(ErrorCode.NotAuthorized);
    expect(retries).toHaveLength(0);
  });

  it('redacts secret values echoed by the server', async () => {
    const value = 'correct-horse-battery';
    sim.faults.failNext(1, { status: 422, match: { method: 'PATCH' }, message: `Secret "s" is invalid: data[password]: Invalid value: "${value}"` });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { password: value } };
    const err = await failure(cluster.apply([secret], { fieldManager: 'nestor' }));
    expect(err.message).toContain('Invalid value: "***"');
    expect(err.message).not.toContain(value);
  });

  it('reports an unreachable API server as ClusterUnavailable', async () => {
    const gone = await startSimProvider();
    const kubeConfig = simKubeConfig(gone.sim);
    await gone.sim.close();
    const attempts: RetryInfo[] = [];
    const provider = new KubeClusterProvider(kubeConfig, { retry: { clock: new InstantClock(), onRetry: (i) => void attempts.push(i) } });
    const err = await failure(provider.cluster(SIM_CONTEXT).list({ namespace: 'default', kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }], labelSelector: 'app=mary' }));
    expect(err.code).toBe(ErrorCode.ClusterUnavailable);
    expect(err.message).toContain('ECONNREFUSED');
    expect(attempts).toHaveLength(3);
  });
});
