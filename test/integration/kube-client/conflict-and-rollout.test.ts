// Server-side apply conflicts with another field manager, and a failing rollout, against the
// kube simulator (manual clock: controllers run when the injected sleep settles them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlingClock, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import type { Cluster } from '../../../src/core/ports/cluster.js';
import type { Clock } from '../../../src/core/ports/clock.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { waitForRollout } from '../../../src/core/release/wait-for-rollout.js';
import { deploymentObject, namespaceObject, refTo } from '../../support/kube-objects.js';
import { SIM_CONTEXT, startSimProvider } from '../../support/kube-sim-provider.js';

let sim: KubeSimulator;
let cluster: Cluster;

beforeAll(async () => {
  const started = await startSimProvider({ clock: 'manual', controllers: { missingImages: ['registry/org/mary:fail-1a2b3c4'] } }, { retry: { clock: new InstantClock() } });
  sim = started.sim;
  cluster = started.provider.cluster(SIM_CONTEXT);
});

afterAll(async () => {
  await sim.close();
});

describe('409 conflicts of server-side apply', () => {
  it('names the other field manager and the field, never retries, and force takes it', async () => {
    const web = deploymentObject('conflicts', 'web', 'registry/org/mary:abc', { replicas: 5 });
    await cluster.apply([namespaceObject('conflicts'), web], { fieldManager: 'kubectl' });
    sim.faults.reset();
    const mine = deploymentObject('conflicts', 'web', 'registry/org/mary:abc', { replicas: 3 });
    const err = await cluster.apply([mine], { fieldManager: 'nestor' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NestorError);
    expect((err as NestorError).code).toBe(ErrorCode.Conflict);
    expect((err as NestorError).retryable).toBe(false);
    expect((err as NestorError).message).toContain('"kubectl" owns .spec.replicas');
    expect((err as NestorError).message).toContain('--force-conflicts');
    expect(sim.faults.count({ method: 'PATCH' })).toBe(1);
    const forced = await cluster.apply([mine], { fieldManager: 'nestor', force: true });
    expect(forced.map((a) => a.result)).toEqual(['configured']);
    expect((await cluster.get(refTo(mine)))?.['spec']).toMatchObject({ replicas: 3 });
  });

  it('reports an injected 409 without causes as a Conflict, not retried', async () => {
    sim.faults.reset();
    sim.faults.failNext(1, { status: 409, match: { method: 'PATCH' } });
    const err = await cluster.apply([namespaceObject('conflicts')], { fieldManager: 'nestor' }).then(() => undefined, (e: unknown) => e);
    expect((err as NestorError).code).toBe(ErrorCode.Conflict);
    expect(sim.faults.count({ method: 'PATCH' })).toBe(1);
  });
});

describe('strict field validation', () => {
  it('asks the server to refuse an unknown field rather than drop it, and names the field', async () => {
    const web = deploymentObject('strict', 'web', 'registry/org/mary:abc');
    (web['spec'] as Record<string, unknown>)['replica'] = 2;
    const err = await cluster.apply([namespaceObject('strict'), web], { fieldManager: 'nestor' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NestorError);
    expect((err as NestorError).retryable).toBe(false);
    expect((err as NestorError).message).toContain('.spec.replica: field not declared in schema');
    expect((err as NestorError).message).toContain('already applied in this call: Namespace strict (created)');
    expect(await cluster.get(refTo(web))).toBeUndefined();
  });
});

describe('waitForRollout on the simulator', () => {
  const clock = (): { clock: Clock } => ({ clock: settlingClock(sim) });

  it('reports a failing image as failed with ProgressDeadlineExceeded, conditions and pod events', async () => {
    const bad = deploymentObject('rollouts', 'web', 'registry/org/mary:fail-1a2b3c4', { replicas: 2 });
    const good = deploymentObject('rollouts', 'worker', 'registry/org/mary:1a2b3c4');
    await cluster.apply([namespaceObject('rollouts'), bad, good], { fieldManager: 'nestor' });
    const outcomes = await waitForRollout(cluster, [refTo(namespaceObject('rollouts')), refTo(bad), refTo(good)], clock());
    expect(outcomes.map((o) => [o.ref.name, o.state])).toEqual([['web', 'failed'], ['worker', 'available']]);
    const failed = outcomes[0];
    if (failed?.state !== 'failed') throw new Error('expected a failure');
    expect(failed.reason).toBe('ProgressDeadlineExceeded');
    expect(failed.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }));
    expect(failed.events.map((e) => e.message).join('\n')).toContain('ImagePullBackOff');
    expect(failed.events.some((e) => e.involved.kind === 'Pod')).toBe(true);
    expect(failed.summary).toMatch(/^Deployment rollouts\/web failed \(ProgressDeadlineExceeded\): .*ImagePullBackOff/);
  });

  it('waits for a healthy Deployment to become available', async () => {
    const web = deploymentObject('rollouts-ok', 'web', 'registry/org/mary:1a2b3c4', { replicas: 3 });
    await cluster.apply([namespaceObject('rollouts-ok'), web], { fieldManager: 'nestor' });
    const seen: string[] = [];
    const outcomes = await waitForRollout(cluster, [refTo(web)], { ...clock(), onProgress: (s) => seen.push(s.state) });
    expect(outcomes).toEqual([expect.objectContaining({ state: 'available' })]);
    expect(seen).toEqual(['progressing', 'available']);
  });
});
