// Faults of the whole deploy pipeline on real parts (git app repo, bare history repository, kube
// simulator, settling clock): Kubernetes 500s, hung requests, 409 conflicts, an unreachable
// history remote and a worker re-running a job. Each ends in a clear outcome with nothing lost.
import { renameSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';
import type { ReleaseContext } from '../../../src/core/release/release-deps.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { releaseFixture, type ReleaseFixture, type ReleaseFixtureOptions } from '../../support/release-fixture.js';

const ns = 'dev3';
const DEPLOYMENT_PATH = `/namespaces/${ns}/deployments/mary-web`;
let f: ReleaseFixture;

async function setup(options: ReleaseFixtureOptions = {}): Promise<ReleaseFixture> {
  f = await releaseFixture(options);
  return f;
}
afterEach(async () => {
  await f.close();
});
afterAll(() => cleanupFixtures());

const deployment = () => f.sim.store.get(typeOf('Deployment'), ns, 'mary-web');
const specOf = () => deployment()?.['spec'] as { replicas?: number; template: { spec: { containers: { image: string }[] } } } | undefined;
const failure = (promise: Promise<unknown>): Promise<NestorError> =>
  promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as NestorError);
const historySubjects = () => git(f.historyRemote, 'log', '--format=%s', 'main').trim().split('\n').filter(Boolean);

/** A context whose listener runs `hook` on each event before recording it. */
function hooked(jobId: string, hook: (e: ReleaseEvent) => void): ReleaseContext {
  const base = f.ctx('alice', jobId);
  return { ...base, onEvent: (e) => { hook(e); base.onEvent(e); } };
}
const isStage = (e: ReleaseEvent, stage: string, status: string) => e.type === 'stage' && e.stage === stage && e.status === status;

describe('Kubernetes 5xx', { timeout: 90_000 }, () => {
  it('retries two 500s on an apply and releases', async () => {
    await setup();
    f.sim.faults.failNext(2, { status: 500, match: { method: 'PATCH', pathIncludes: DEPLOYMENT_PATH } });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('released');
    expect(f.sim.faults.count({ method: 'PATCH', pathIncludes: DEPLOYMENT_PATH })).toBe(3);
    expect(specOf()?.template.spec.containers[0]?.image).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });

  it('gives up after bounded retries with ClusterUnavailable listing what was applied; nothing recorded, lock freed', async () => {
    await setup();
    f.sim.faults.failNext(1000, { status: 500, match: { method: 'PATCH', pathIncludes: DEPLOYMENT_PATH } });
    const error = await failure(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns }));
    expect(error.code).toBe(ErrorCode.ClusterUnavailable);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`cluster kapten_dev_eu-w1 unavailable: apply Deployment ${ns}/mary-web failed: HTTP 500`);
    expect(error.message).toContain('(after 4 attempts)');
    expect(error.message).toContain(`already applied in this call: Namespace ${ns} (created), ConfigMap ${ns}/mary (created), Service ${ns}/mary (created)`);
    expect(f.sim.faults.count({ method: 'PATCH', pathIncludes: DEPLOYMENT_PATH })).toBe(4);
    expect(f.events).toContainEqual(expect.objectContaining({ type: 'stage', stage: 'apply', status: 'failed' }));
    expect(await f.history.list('mary', ns)).toHaveLength(0);
    expect(await f.deps.locks.current(appLockKey('mary', ns))).toBeUndefined();
    f.sim.faults.reset();
    const next = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(next.outcome).toBe('released');
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });
});

describe('hung requests', () => {
  it('abandons a request with no answer after the per-request timeout, retries it and releases', async () => {
    await setup({ retry: { timeoutMs: 1000 } });
    f.sim.faults.hangNext(1, { method: 'PATCH', pathIncludes: DEPLOYMENT_PATH });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.failures).toEqual([]);
    expect(result.outcome).toBe('released');
    expect(f.sim.faults.hungCount).toBe(1);
    expect(f.sim.faults.count({ method: 'PATCH', pathIncludes: DEPLOYMENT_PATH })).toBe(2);
    expect(specOf()?.template.spec.containers[0]?.image).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });
});

describe('409 conflicts', { timeout: 90_000 }, () => {
  it('names the other field manager and field, forces nothing, and --force-conflicts takes over', async () => {
    await setup();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const mine = specOf()?.replicas;
    expect(mine).toBeDefined();
    // Someone scales by hand with kubectl (server-side, taking the field from nestor).
    const handEdit = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mary-web', namespace: ns }, spec: { replicas: 7 } };
    await f.deps.clusters.cluster('kapten_dev_eu-w1').apply([handEdit], { fieldManager: 'kubectl', force: true });
    const error = await failure(deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'main', env: ns }));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`conflict on apply Deployment ${ns}/mary-web: "kubectl" owns .spec.replicas`);
    expect(error.message).toContain('nothing was forced (use --force-conflicts to take the fields)');
    expect(specOf()?.replicas).toBe(7);
    expect(specOf()?.template.spec.containers[0]?.image).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(await f.history.list('mary', ns)).toHaveLength(1);
    const forced = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'main', env: ns, forceConflicts: true });
    expect(forced.outcome).toBe('released');
    expect(specOf()?.replicas).toBe(mine);
    expect(specOf()?.template.spec.containers[0]?.image).toBe(`docker.com/kapten/mary:${f.app.shas.second}`);
    const managers = (deployment()?.metadata['managedFields'] as { manager: string }[]).map((m) => m.manager);
    expect(managers).toContain('nestor');
    expect(await f.history.list('mary', ns)).toHaveLength(2);
  });
});

describe('history remote down', { timeout: 90_000 }, () => {
  const moved = () => `${f.historyRemote}.away`;
  const takeDown = (e: ReleaseEvent) => {
    if (isStage(e, 'history', 'started')) renameSync(f.historyRemote, moved());
  };

  it('reports "applied, history pending" and the next deploy publishes both commits', async () => {
    await setup();
    const first = await deploy(f.deps, hooked('job-1', takeDown), { app: 'mary', ref: 'v1.0.0', env: ns });
    expect(first).toMatchObject({ outcome: 'released', historyPending: true });
    expect(first.message).toContain('(applied, history pending)');
    expect(f.events).toContainEqual({ type: 'warning', message: expect.stringMatching(/^applied, history pending: release history not published yet \(history repository unreachable\)/) });
    await expect(f.history.flushPending()).rejects.toMatchObject({ code: ErrorCode.HistoryPending });
    renameSync(moved(), f.historyRemote);
    const second = await deploy(f.deps, f.ctx('alice', 'job-2'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(second).toMatchObject({ outcome: 'released', historyPending: false });
    expect(historySubjects()).toEqual([
      `deploy mary@${f.app.shas.feature.slice(0, 7)} (feature-x) to ${ns} by alice`,
      `deploy mary@${f.app.shas.first.slice(0, 7)} (v1.0.0) to ${ns} by alice`,
    ]);
    expect(await f.history.flushPending()).toEqual({ pushed: 0, pending: 0 });
  });

  it('flushPending publishes the kept commit once the remote is back', async () => {
    await setup();
    await deploy(f.deps, hooked('job-1', takeDown), { app: 'mary', ref: 'feature-x', env: ns });
    renameSync(moved(), f.historyRemote);
    expect(await f.history.flushPending()).toEqual({ pushed: 1, pending: 0 });
    expect(historySubjects()).toEqual([`deploy mary@${f.app.shas.feature.slice(0, 7)} (feature-x) to ${ns} by alice`]);
  });

  it('an automatic rollback with the remote down is still reported, pinned locally and published later', async () => {
    await setup();
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    f.sim.controllers.options.crashingImages = [f.app.shas.feature];
    const result = await deploy(f.deps, hooked('job-bad', takeDown), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result).toMatchObject({ outcome: 'rolled-back', historyPending: true });
    expect(await f.history.getPin('mary', ns)).toMatchObject({ by: 'alice' });
    renameSync(moved(), f.historyRemote);
    expect((await f.history.flushPending()).pending).toBe(0);
    expect(historySubjects()).toHaveLength(3);
    expect(historySubjects()[0]).toMatch(/^pin mary in dev3/);
  });
});

describe('a worker re-running a job', { timeout: 90_000 }, () => {
  it('re-applies as a no-op and records exactly one history commit', async () => {
    await setup();
    // The first attempt dies after the apply, before the history commit, leaving its lock.
    const crash = (e: ReleaseEvent) => {
      if (isStage(e, 'history', 'started')) throw new Error('worker killed');
    };
    await expect(deploy(f.deps, hooked('job-7', crash), { app: 'mary', ref: 'feature-x', env: ns })).rejects.toThrow('worker killed');
    expect(deployment()).toBeDefined();
    expect(await f.history.list('mary', ns)).toHaveLength(0);
    await f.deps.locks.acquire(appLockKey('mary', ns), { id: 'job-7', user: 'alice', operation: 'deploy mary@feature-x' }, 60_000);
    f.events.length = 0;
    const rerun = await deploy(f.deps, f.ctx('alice', 'job-7'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(rerun.outcome).toBe('released');
    const applied = f.events.flatMap((e) => (e.type === 'applied' ? [e.result] : []));
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied)).toEqual(new Set(['unchanged']));
    // It dies again after the commit, before acknowledging the job: the third run records nothing new.
    const again = await deploy(f.deps, f.ctx('alice', 'job-7'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(again.commit).toBe(rerun.commit);
    expect(await f.history.list('mary', ns)).toHaveLength(1);
    expect(historySubjects()).toHaveLength(1);
  });
});
