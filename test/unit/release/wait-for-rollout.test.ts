import { beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus, RolloutWatchHandlers } from '../../../src/core/ports/cluster.js';
import { MemoryCluster } from '../../../src/testkit/fakes/kube/memory-cluster.js';
import { waitForRollout, type WaitForRolloutOptions } from '../../../src/core/release/wait-for-rollout.js';
import { configMapObject, deploymentObject, namespaceObject, refTo } from '../../support/kube-objects.js';

let cluster: MemoryCluster;
let t: number;
let sleeps: number[];

function options(extra: Partial<WaitForRolloutOptions> = {}): WaitForRolloutOptions {
  return { clock: { now: () => t, sleep: async (ms) => { sleeps.push(ms); t += ms; } }, pollIntervalMs: 1000, ...extra };
}

const web = deploymentObject('dev3', 'mary-web', 'registry/org/mary:good', { progressDeadlineSeconds: 60 });
const worker = deploymentObject('dev3', 'mary-worker', 'registry/org/mary:good', { progressDeadlineSeconds: 60 });

beforeEach(async () => {
  cluster = new MemoryCluster('test');
  t = 0;
  sleeps = [];
  await cluster.apply([namespaceObject('dev3'), web, worker, configMapObject('dev3', 'env', { A: '1' })], { fieldManager: 'nestor' });
});

describe('waitForRollout', () => {
  it('polls until every Deployment is available, ignoring other kinds', async () => {
    cluster.setRollout('mary-web', { outcome: 'available', afterPolls: 3 });
    const progress: string[] = [];
    const outcomes = await waitForRollout(cluster, [refTo(configMapObject('dev3', 'env', {})), refTo(web), refTo(worker)],
      options({ onProgress: (s) => progress.push(`${s.ref.name}:${s.state}`) }));
    expect(outcomes.map((o) => [o.ref.name, o.state])).toEqual([['mary-web', 'available'], ['mary-worker', 'available']]);
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(outcomes[0]?.elapsedMs).toBe(3000);
    expect(progress).toEqual(['mary-web:progressing', 'mary-worker:available', 'mary-web:available']);
  });

  it('returns nothing, without polling, when there is no Deployment', async () => {
    expect(await waitForRollout(cluster, [refTo(configMapObject('dev3', 'env', {}))], options())).toEqual([]);
    expect(cluster.calls.filter((c) => c.op === 'rolloutStatus')).toHaveLength(0);
  });

  it('reports a failed rollout with its reason, conditions and latest Warning events, and stops waiting for the others', async () => {
    cluster.setRollout(/:bad/, { outcome: 'failed', afterPolls: 1 });
    cluster.setRollout('mary-worker', { outcome: 'progressing' });
    const bad = deploymentObject('dev3', 'mary-web', 'registry/org/mary:bad', { progressDeadlineSeconds: 60 });
    await cluster.apply([bad], { fieldManager: 'nestor' });
    const outcomes = await waitForRollout(cluster, [refTo(bad), refTo(worker)], options());
    const [failed, other] = outcomes;
    if (failed?.state !== 'failed') throw new Error('expected a failure');
    expect(failed.reason).toBe('ProgressDeadlineExceeded');
    expect(failed.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'False' }));
    expect(failed.events.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'ProgressDeadlineExceeded: ReplicaSet "mary-web" has timed out progressing.',
      'Failed: Error: ImagePullBackOff',
      'Failed: Failed to pull image "registry/org/mary:bad"',
    ]);
    expect(failed.summary).toContain('Deployment dev3/mary-web failed (ProgressDeadlineExceeded)');
    expect(failed.summary).toContain('ImagePullBackOff');
    expect(other).toMatchObject({ state: 'progressing', message: expect.stringContaining('stopped waiting after Deployment dev3/mary-web failed') });
  });

  it('gives up on a Deployment still progressing after its deadline plus grace', async () => {
    cluster.setRollout('mary-web', { outcome: 'progressing' });
    const outcomes = await waitForRollout(cluster, [refTo(web)], options({ graceMs: 5000, pollIntervalMs: 10_000 }));
    expect(outcomes[0]).toMatchObject({ state: 'failed', reason: 'DeadlineExceeded', elapsedMs: 70_000 });
    expect(outcomes[0]?.message).toContain('progress deadline 60 s');
  });

  it('reports a missing Deployment as failed', async () => {
    const ghost = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dev3', name: 'ghost' };
    expect(await waitForRollout(cluster, [ghost], options())).toEqual([expect.objectContaining({ state: 'failed', reason: 'NotFound' })]);
  });

  it('lets a cluster error through', async () => {
    cluster.injectFault({ op: 'rolloutStatus', times: Infinity });
    await expect(waitForRollout(cluster, [refTo(web)], options())).rejects.toMatchObject({ code: 'cluster_unavailable' });
  });

  it('stops when aborted', async () => {
    cluster.setRollout('mary-web', { outcome: 'progressing' });
    const controller = new AbortController();
    const run = waitForRollout(cluster, [refTo(web)], options({ signal: controller.signal, clock: { now: () => 0, sleep: async () => controller.abort() } }));
    await expect(run).rejects.toThrow();
  });
});

/** The memory cluster with watches of rollouts the test drives: each one opened is kept with its handlers. */
class WatchingCluster extends MemoryCluster {
  readonly watches: { since: RolloutStatus; handlers: RolloutWatchHandlers; stopped: boolean }[] = [];

  watchRollout(since: RolloutStatus, handlers: RolloutWatchHandlers): () => void {
    const watch = { since, handlers, stopped: false };
    this.watches.push(watch);
    return () => {
      watch.stopped = true;
    };
  }
}

describe('waitForRollout with a watch', () => {
  let watching: WatchingCluster;
  const reads = (): number => watching.calls.filter((c) => c.op === 'rolloutStatus').length;
  const available = (status: RolloutStatus): RolloutStatus => ({ ...status, state: 'available', message: `deployment "${status.ref.name}" successfully rolled out` });

  beforeEach(async () => {
    watching = new WatchingCluster('test');
    await watching.apply([namespaceObject('dev3'), web], { fieldManager: 'nestor' });
    watching.setRollout('mary-web', { outcome: 'progressing' });
  });

  it('follows a Deployment still rolling out after its first read, and takes its change without reading it again', async () => {
    const seen: string[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => {
      sleeps.push(ms);
      // The change comes during the wait: it ends it, and the poll interval never passes.
      watching.watches[0]?.handlers.onChange(available(watching.watches[0].since));
      await new Promise<void>(() => undefined);
    } };
    const outcomes = await waitForRollout(watching, [refTo(web)], options({ clock, onProgress: (s) => seen.push(s.state) }));
    expect(outcomes).toEqual([expect.objectContaining({ state: 'available' })]);
    expect(seen).toEqual(['progressing', 'available']);
    expect(reads()).toBe(1);
    expect(watching.watches.map((w) => [w.since.ref.name, w.since.state, w.stopped])).toEqual([['mary-web', 'progressing', true]]);
  });

  it('still reads the Deployment when a poll interval brings no news, and watches again after a watch ended', async () => {
    let sleepsSoFar = 0;
    const clock = { now: () => t, sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
      sleepsSoFar += 1;
      if (sleepsSoFar === 1) watching.watches[0]?.handlers.onEnd();
      if (sleepsSoFar === 2) watching.setRollout('mary-web', { outcome: 'available' });
    } };
    const outcomes = await waitForRollout(watching, [refTo(web)], options({ clock }));
    expect(outcomes).toEqual([expect.objectContaining({ state: 'available', elapsedMs: 2000 })]);
    expect(reads()).toBe(3);
    expect(watching.watches.map((w) => [w.since.state, w.stopped])).toEqual([['progressing', true], ['progressing', true]]);
  });
});
