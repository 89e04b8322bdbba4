// A first release whose rollout fails has no earlier release to roll back to: what it created
// is removed (as `helm install --atomic`), nothing is recorded, and the outcome says so.
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const get = (kind: string, name: string, namespace: string | undefined = ns) => f.sim.store.get(typeOf(kind), namespace, name);
const failImage = (sha: string) => {
  f.sim.controllers.options.crashingImages = [sha];
};
const NESTOR_LABELS = { app: 'mary', 'app.kubernetes.io/managed-by': 'nestor', 'nestor.io/environment': ns };

describe('a first release that fails its rollout', { timeout: 60_000 }, () => {
  it('removes the objects it created, records nothing, and says so', async () => {
    failImage(f.app.shas.feature);
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe(`first release of mary@${f.app.shas.feature.slice(0, 7)} in dev3 failed its rollout; the objects it created were removed`);
    expect(result.failures[0]).toContain('mary-web');
    for (const [kind, name] of [['Deployment', 'mary-web'], ['Service', 'mary'], ['ConfigMap', 'mary'], ['HorizontalPodAutoscaler', 'mary-web'], ['Ingress', 'mary']]) {
      expect(get(kind!, name!), `${kind} ${name}`).toBeUndefined();
    }
    // The Namespace is shared by every app of the environment: it stays.
    expect(get('Namespace', ns, undefined)).toBeDefined();
    expect(await f.history.list('mary', ns)).toEqual([]);
    expect(await f.history.getPin('mary', ns)).toBeUndefined();
    const removed = f.events.flatMap((e) => (e.type === 'pruned' ? [e.object] : []));
    expect(removed).toContain('Deployment dev3/mary-web');
    expect(f.events).toContainEqual({ type: 'stage', stage: 'rollback', status: 'finished', message: `no earlier release: removed ${removed.length} object(s) this release created` });

    failImage('never-matches');
    const next = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(next.outcome).toBe('released');
    expect(await f.history.list('mary', ns)).toHaveLength(1);
  });

  it('keeps what existed before it, even with its labels, and warns', async () => {
    f.sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    f.sim.store.create(typeOf('ConfigMap'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mary', namespace: ns, labels: NESTOR_LABELS }, data: {} });
    failImage(f.app.shas.feature);
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('failed');
    expect(get('Deployment', 'mary-web')).toBeUndefined();
    expect(get('ConfigMap', 'mary')).toBeDefined();
    expect(f.events).toContainEqual({ type: 'warning', message: 'existed before this release, so left as it set them: kapten_dev_eu-w1: ConfigMap dev3/mary' });
  });

  it('says what it could not remove', async () => {
    failImage(f.app.shas.feature);
    f.sim.faults.failNext(1000, { status: 500, match: { method: 'DELETE', pathIncludes: `/namespaces/${ns}/services/mary` } });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/; the objects it created were removed except kapten_dev_eu-w1: Service dev3\/mary \(cluster kapten_dev_eu-w1 unavailable: .*\): delete them by hand$/);
    expect(get('Deployment', 'mary-web')).toBeUndefined();
    expect(get('Service', 'mary')).toBeDefined();
    expect(f.events).toContainEqual(expect.objectContaining({ type: 'stage', stage: 'rollback', status: 'failed' }));
  });
});
