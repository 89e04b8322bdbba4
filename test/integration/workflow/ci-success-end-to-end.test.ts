// The branch workflow end to end on real parts: a CI success on master tags the commit, has its
// image built by a Kubernetes Job on the simulator (whose completion pushes the image to a real
// registry), moves greenlight, and the next staging release (staging tracking greenlight)
// deploys it; told again it builds nothing and moves nothing; a greenlight with a commit of its
// own stops that step with a message, and nothing is forced over it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitAppBranches } from '../../../src/adapters/git/git-app-branches.js';
import { RedisCiDeliveries } from '../../../src/adapters/redis/redis-ci-deliveries.js';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { releaseTracked } from '../../../src/core/fleet/tracked-release.js';
import { JobImageBuilds } from '../../../src/core/images/job-image-builds.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { ciSuccess, CiOutcome, type CiSuccessDeps } from '../../../src/core/workflow/ci-success.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { getIn } from '../../../src/testkit/kube-sim/object-util.js';
import { cleanupFixtures, commitFiles, git, tempDir } from '../../support/git-fixtures.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { startRegistry, type RegistryServer } from '../../support/registry-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
let registry: RegistryServer;
// A registry per test: the app repositories of both tests have the same commits (copies of one
// repository), so an image the first test built would be found by the second.
beforeEach(async () => {
  registry = await startRegistry();
});
afterEach(() => registry.stop());
afterAll(() => cleanupFixtures());

/** The example config on the test registry, staging tracking greenlight with mary alone; mary's master one commit ahead of greenlight. */
function world(): CiSuccessDeps & ReleaseDeps {
  useTestRegistry(f.configDir, { host: registry.host });
  const staging = join(f.configDir, 'staging', 'project.yaml');
  writeFileSync(staging, readFileSync(staging, 'utf8').replace('tracks: master', 'tracks: greenlight'));
  for (const app of ['gandalf', 'pricing']) writeFileSync(join(f.configDir, 'staging', 'apps', `${app}.yaml`), 'is_enabled: false\n');
  git(f.app.dir, 'branch', 'greenlight', f.app.shas.first);
  git(f.app.dir, 'branch', 'master', f.app.shas.second);
  f.sim.controllers.options.jobRunner = async (job) => {
    const args = (job.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]?.args ?? [];
    const tag = args.find((a) => a.startsWith('--destination='))?.split(':').at(-1) ?? '';
    await pushImage({ url: registry.url, repository: 'kapten/mary', tag });
    return { succeeded: true };
  };
  const environment = { NPM_TOKEN: 'npm-token' };
  const images = new OciRegistry();
  return {
    ...f.deps, environment, registry: images,
    builds: new JobImageBuilds({ config: f.deps.config, clusters: f.deps.clusters, locks: f.deps.locks, registry: images, clock: f.deps.clock, environment, pollMs: 100 }),
    branches: new GitAppBranches({ cacheDir: tempDir('nestor-workflow-mirrors-') }),
    deliveries: new RedisCiDeliveries({ redis: redisClient(), prefix: `${uniqueName('ci')}:` }),
  };
}

const buildJobs = () => f.sim.store.list(typeOf('Job'), 'production').filter((j) => getIn(j, ['metadata', 'labels', 'process']) === 'build');
const branch = (name: string) => git(f.app.dir, 'rev-parse', name).trim();

describe('a CI success on master, end to end', () => {
  it('tags, builds once, moves greenlight, and the next staging release deploys it; told again, does nothing', async () => {
    const deps = world();
    const sha = f.app.shas.second;
    const result = await ciSuccess(deps, f.ctx('ci'), { app: 'mary', branch: 'master', sha, source: 'api' });
    expect(result).toMatchObject({ outcome: CiOutcome.Done, tag: { state: 'created' }, image: { state: 'built', image: `${registry.host}/kapten/mary:${sha}` } });
    expect(git(f.app.dir, 'tag', '--points-at', sha, '--list', 'ci-*').trim()).toBe(result.tag!.name);
    expect(buildJobs()).toHaveLength(1);
    expect(await deps.registry!.exists({ registry: registry.host, repository: 'kapten/mary', tag: sha, insecure: true })).toBe(true);
    expect(branch('greenlight')).toBe(sha);

    const staging = await releaseTracked(deps, f.ctx('nestor'), { env: 'staging' });
    expect(staging.apps.find((a) => a.app === 'mary')).toMatchObject({ outcome: 'released' });
    expect((await f.history.get('mary', 'staging'))?.sha).toBe(sha);

    const again = await ciSuccess(deps, f.ctx('ci'), { app: 'mary', branch: 'master', sha, source: 'api' });
    expect(again.outcome).toBe(CiOutcome.AlreadyDone);
    expect(buildJobs()).toHaveLength(1);
    expect(git(f.app.dir, 'tag', '--points-at', sha, '--list', 'ci-*').trim().split('\n')).toHaveLength(1);
    expect(branch('greenlight')).toBe(sha);
  });

  it('a greenlight with a commit of its own is left as it was, named in the message; the tag and the image are still made', async () => {
    const deps = world();
    git(f.app.dir, 'checkout', '--quiet', 'greenlight');
    const hotfix = commitFiles(f.app.dir, 'hotfix on greenlight', { HOTFIX: 'yes\n' });
    git(f.app.dir, 'checkout', '--quiet', 'main');
    const sha = f.app.shas.second;
    const result = await ciSuccess(deps, f.ctx('ci'), { app: 'mary', branch: 'master', sha, source: 'api' });
    expect(result.outcome).toBe(CiOutcome.Failed);
    expect(result.message).toContain(`greenlight not moved: not a fast-forward, it has 1 commit of its own (${hotfix.slice(0, 7)} hotfix on greenlight)`);
    expect(branch('greenlight')).toBe(hotfix);
    expect(result.image?.state).toBe('built');
    expect(git(f.app.dir, 'tag', '--points-at', sha, '--list', 'ci-*').trim()).toBe(result.tag!.name);
  });
});
