// Build then deploy: a deploy of a commit whose image is missing waits for its build, a Kubernetes
// Job on the simulator whose completion pushes the image to a real registry. Two deploys at once,
// through two builders sharing Redis (two workers), make one Job; a failing build shows its log.
import { afterAll, describe, expect, it } from 'vitest';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { JobImageBuilds } from '../../../src/core/images/job-image-builds.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { typeOf, type KubeObject } from '../../../src/testkit/kube-sim/index.js';
import { getIn } from '../../../src/testkit/kube-sim/object-util.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { redisClient, uniqueName } from '../../support/redis.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { useRegistry } from '../../support/registry-server.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
const registry = useRegistry();
afterAll(() => cleanupFixtures());

const NPM_TOKEN = 'npm-token-never-shown';

/** A worker's release deps: the fixture's, with a registry and a builder of its own over the shared Redis claims. */
function worker(prefix: string): ReleaseDeps {
  const registryClient = new OciRegistry();
  const locks = new RedisLocks({ redis: redisClient(), prefix });
  const environment = { NPM_TOKEN };
  return {
    ...f.deps, environment, registry: registryClient,
    builds: new JobImageBuilds({ config: f.deps.config, clusters: f.deps.clusters, locks, registry: registryClient, clock: f.deps.clock, environment, pollMs: 100 }),
  };
}

const args = (job: KubeObject): string[] => (job.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]?.args ?? [];
const buildJobs = () => ['dev2', 'dev3'].flatMap((ns) => f.sim.store.list(typeOf('Job'), ns)).filter((j) => getIn(j, ['metadata', 'labels', 'process']) === 'build');

describe('a deploy of a commit without its image', () => {
  it('waits for one build Job, whose completion pushes the image, shared by two deploys at once', async () => {
    useTestRegistry(f.configDir, { host: registry.host });
    const sha = f.app.shas.feature;
    f.sim.controllers.options.jobRunner = async (job) => {
      const destination = args(job).find((a) => a.startsWith('--destination='))?.slice('--destination='.length) ?? '';
      await pushImage({ url: registry.url, repository: 'kapten/mary', tag: destination.split(':').at(-1) ?? '' });
      return { succeeded: true, log: `INFO pushed ${destination}\n` };
    };
    const prefix = `${uniqueName('build')}:`;
    const [one, two] = [worker(prefix), worker(prefix)];
    const [a, b] = await Promise.all([
      deploy(one, f.ctx('alice'), { app: 'mary', ref: 'feature-x', env: 'dev3' }),
      deploy(two, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: 'dev2' }),
    ]);
    expect([a.outcome, b.outcome]).toEqual(['released', 'released']);
    const jobs = buildJobs();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const name = String(job.metadata.name);
    const namespace = String(job.metadata.namespace);
    expect(args(job)).toEqual([
      expect.stringMatching(new RegExp(`^--context=git://.*#HEAD#${sha}$`)), '--dockerfile=Dockerfile',
      `--destination=${registry.host}/kapten/mary:${sha}`, `--insecure-registry=${registry.host}`, '--build-arg=NPM_TOKEN',
    ]);
    const container = (job.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!;
    expect(container['image']).toBe('gcr.io/kaniko-project/executor:v1.23.2');
    expect(container['env']).toEqual([{ name: 'NPM_TOKEN', valueFrom: { secretKeyRef: { name, key: 'NPM_TOKEN' } } }]);
    const secret = f.sim.store.get(typeOf('Secret'), namespace, name);
    expect(Buffer.from(String((secret?.['data'] as Record<string, string>)['NPM_TOKEN']), 'base64').toString()).toBe(NPM_TOKEN);
    expect(JSON.stringify(job)).not.toContain(NPM_TOKEN);
    expect(JSON.stringify(f.events)).not.toContain(NPM_TOKEN);
    const lines = f.events.flatMap((e) => (e.type === 'stage' && e.stage === 'image' && e.message ? [e.message] : []));
    const short = `mary@${sha.slice(0, 7)}`;
    expect(lines).toContain(`building the image of ${short} (job ${name})`);
    expect(lines).toContain(`waiting for the image build of ${short} (job ${name}, started by another request)`);
    expect(lines).toContain(`image build of ${short}: job ${namespace}/${name} complete`);
    expect(lines.filter((l) => l === `built ${short}: ${registry.host}/kapten/mary:${sha}`)).toHaveLength(2);
    expect(await one.registry!.exists({ registry: registry.host, repository: 'kapten/mary', tag: sha, insecure: true })).toBe(true);
  });

  it('fails with the end of the build log, nothing applied, and a later deploy builds again', async () => {
    useTestRegistry(f.configDir, { host: registry.host });
    f.sim.controllers.options.jobRunner = () => ({ succeeded: false, log: 'INFO cloning\nINFO step 1/4\nerror building image: parsing dockerfile: no such file Dockerfile\n' });
    const deps = worker(`${uniqueName('build')}:`);
    const release = deploy(deps, f.ctx(), { app: 'mary', ref: f.app.shas.first, env: 'dev3' });
    await expect(release).rejects.toMatchObject({ code: ErrorCode.ImageUnavailable });
    await expect(release).rejects.toThrow(new RegExp(
      `^the image build of mary@${f.app.shas.first.slice(0, 7)} failed \\(job dev3/mary-build-[a-z0-9-]+: BackoffLimitExceeded\\); the end of its log: INFO cloning \\| INFO step 1/4 \\| error building image: parsing dockerfile: no such file Dockerfile$`,
    ));
    expect(f.sim.store.list(typeOf('Deployment'), 'dev3')).toEqual([]);
    f.sim.controllers.options.jobRunner = async () => {
      await pushImage({ url: registry.url, repository: 'kapten/mary', tag: f.app.shas.first });
      return { succeeded: true };
    };
    expect((await deploy(deps, f.ctx(), { app: 'mary', ref: f.app.shas.first, env: 'dev3' })).outcome).toBe('released');
    expect(buildJobs()).toHaveLength(2);
  });

  it('says which build variable Nestor lacks, before any Job', async () => {
    useTestRegistry(f.configDir, { host: registry.host });
    const deps = { ...worker(`${uniqueName('build')}:`) };
    deps.builds = new JobImageBuilds({ config: f.deps.config, clusters: f.deps.clusters, locks: f.deps.locks, registry: deps.registry!, clock: f.deps.clock, environment: {} });
    await expect(deploy(deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' })).rejects.toThrow("docker.build.variables.NPM_TOKEN: $NPM_TOKEN is not set in Nestor's environment");
    expect(buildJobs()).toEqual([]);
  });
});
