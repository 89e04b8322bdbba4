// An environment spanning two clusters, each its own simulator: a deploy applies to both and
// records both; a cluster that stays down fails the release after the other was applied, saying
// so, with nothing recorded; a rollout failing in one cluster rolls both back and pins.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import { kubeconfigYaml, settlingClock, startKubeSimulator, typeOf, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { CLUSTERS, releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';

const EU = 'kapten_staging_eu-w1';
const US = 'kapten_staging_us-e1';
const STAGING = `env: staging
parent: production
domain: staging.kapten.com
approval: null
deployments:
  kubernetes:
    - { cluster_name: ${EU}, hpa_replicas: false, scales: { default: { minReplicas: 1, maxReplicas: 2 } } }
    - { cluster_name: ${US}, hpa_replicas: false, scales: { default: { minReplicas: 1, maxReplicas: 2 } } }
slack:
  channels: { info: tech-release-staging }
`;

let f: ReleaseFixture;
let us: KubeSimulator;
let deps: ReleaseDeps;

/** `usFailing`: the images that never start in the second cluster (from the fixture's app shas). */
async function setup(usFailing: (fixture: ReleaseFixture) => string[] = () => []): Promise<void> {
  f = await releaseFixture();
  us = await startKubeSimulator({ port: 0, clock: 'manual', controllers: { readyDelayMs: 0, crashingImages: usFailing(f) } });
  writeFileSync(join(f.configDir, 'staging/project.yaml'), STAGING);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigYaml([...CLUSTERS.map((name) => ({ name, server: f.sim.url })), { name: US, server: us.url }]));
  deps = {
    ...f.deps,
    clusters: new KubeClusterProvider(kubeConfig, { retry: { clock: new InstantClock() } }),
    clock: settlingClock([f.sim, us]),
  };
}

afterEach(async () => {
  await Promise.all([f?.close(), us?.close()]);
});
afterAll(() => cleanupFixtures());

const imageIn = (sim: KubeSimulator): string | undefined => {
  const spec = sim.store.get(typeOf('Deployment'), 'staging', 'mary-web')?.['spec'] as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return spec?.template.spec.containers[0]?.image;
};
const failure = (promise: Promise<unknown>): Promise<NestorError> =>
  promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as NestorError);

describe('an environment on two clusters', () => {
  it('applies the release to both and records the manifests of each', async () => {
    await setup();
    const result = await deploy(deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
    expect(result.outcome).toBe('released');
    const image = `docker.com/kapten/mary:${f.app.shas.feature}`;
    expect([imageIn(f.sim), imageIn(us)]).toEqual([image, image]);
    expect(f.events.filter((e) => e.type === 'diff').map((e) => (e as { cluster: string }).cluster)).toEqual([EU, US]);
    const release = await f.history.get('mary', 'staging');
    expect(Object.keys(release?.manifestsByCluster ?? {}).sort()).toEqual([EU, US]);
    expect(release?.manifestsByCluster[US]).toContain(`image: ${image}`);
  });

  it('fails when one cluster stays down, says which cluster was already applied, and records nothing', async () => {
    await setup();
    us.faults.failNext(1000, { status: 503, match: { method: 'PATCH' } });
    const error = await failure(deploy(deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' }));
    expect(error.code).toBe(ErrorCode.ClusterUnavailable);
    expect(error.message).toContain(`cluster ${US} unavailable`);
    expect(f.events).toContainEqual({ type: 'warning', message: `clusters already applied: ${EU}` });
    expect(imageIn(f.sim)).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(await f.history.list('mary', 'staging')).toEqual([]);
  });

  it('rolls both clusters back when the rollout fails in one, and pins', async () => {
    await setup((fixture) => [fixture.app.shas.feature]);
    expect((await deploy(deps, f.ctx(), { app: 'mary', ref: 'main', env: 'staging' })).outcome).toBe('released');
    const result = await deploy(deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: 'staging' });
    expect(result.outcome).toBe('rolled-back');
    expect(result.message).toContain(`${US}: Deployment staging/mary-web failed (ProgressDeadlineExceeded)`);
    const good = `docker.com/kapten/mary:${f.app.shas.second}`;
    expect([imageIn(f.sim), imageIn(us)]).toEqual([good, good]);
    expect(await f.history.getPin('mary', 'staging')).toMatchObject({ by: 'bob' });
    expect((await f.history.list('mary', 'staging')).map((r) => r.kind)).toEqual(['rollback', 'deploy']);
  });
});
