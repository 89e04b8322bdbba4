// The release phase (Procfile `release:`) runs as a Job in the new release's image and config
// before anything of the release is applied; its failure stops the release with its log's end,
// nothing applied nor recorded (checked in the cluster and the history).
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf, type KubeObject } from '../../../src/testkit/kube-sim/index.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cleanupFixtures, commitFiles, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

interface Container { image: string; command: string[]; env: { name: string; value?: string }[]; envFrom?: unknown }
const containerOf = (o: KubeObject) => (o['spec'] as unknown as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
const labelsOf = (o: KubeObject) => (o.metadata['labels'] ?? {}) as Record<string, string>;

/** A branch `migrating` whose Procfile has a release command; its sha. */
function migratingBranch(): string {
  git(f.app.dir, 'checkout', '--quiet', '-b', 'migrating');
  const sha = commitFiles(f.app.dir, 'migrate on release', { Procfile: 'web: node server.js\nrelease: node scripts/migrate.js\n' });
  git(f.app.dir, 'checkout', '--quiet', 'main');
  return sha;
}

/** What the release Jobs saw when they ran: the Job, and whether mary's Deployment existed then. */
function recordReleaseJobs(outcome: () => { succeeded: boolean; log?: string; exitCode?: number }) {
  const seen: { job: KubeObject; deploymentImage: string | undefined }[] = [];
  f.sim.controllers.options.jobRunner = (job) => {
    if (labelsOf(job)['process'] !== 'release') return undefined;
    const web = f.sim.store.get(typeOf('Deployment'), ns, 'mary-web');
    seen.push({ job, deploymentImage: web ? containerOf(web).image : undefined });
    return outcome();
  };
  return seen;
}

describe('the release phase', { timeout: 90_000 }, () => {
  it('runs before anything is applied, in the new image and config, and shows as a step', async () => {
    const sha = migratingBranch();
    const seen = recordReleaseJobs(() => ({ succeeded: true, log: 'migrated\n' }));
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'migrating', env: ns });
    expect(result.outcome).toBe('released');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.deploymentImage).toBeUndefined();
    const container = containerOf(seen[0]!.job);
    expect(container.image).toBe(`docker.com/kapten/mary:${sha}`);
    expect(container.command).toEqual(['/bin/sh', '-c', 'exec node scripts/migrate.js']);
    // The ConfigMap was not applied yet: its values are in the Job itself.
    expect(container.envFrom).toBeUndefined();
    expect(container.env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
    const steps = f.events.flatMap((e) => (e.type === 'stage' ? [`${e.stage} ${e.status}`] : []));
    expect(steps.indexOf('release-phase finished')).toBeGreaterThan(steps.indexOf('diff finished'));
    expect(steps.indexOf('release-phase finished')).toBeLessThan(steps.indexOf('apply started'));
    expect(f.events).toContainEqual({ type: 'stage', stage: 'release-phase', status: 'finished', message: expect.stringContaining('`node scripts/migrate.js` completed (Job dev3/mary-release-') });
    // A release without a release command runs none.
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.1.0', env: ns });
    expect(seen).toHaveLength(1);
  });

  it('stops the release when it fails: its log tail told, nothing applied nor recorded', async () => {
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    expect(first.outcome).toBe('released');
    const sha = migratingBranch();
    const web = f.sim.store.get(typeOf('Deployment'), ns, 'mary-web')!;
    const configMap = f.sim.store.get(typeOf('ConfigMap'), ns, 'mary')!;
    const seen = recordReleaseJobs(() => ({ succeeded: false, exitCode: 2, log: 'step 1\nstep 2\nstep 3\nstep 4\nconnecting\nerror: relation "rides" does not exist\n' }));

    const before = f.events.length;
    await expect(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'migrating', env: ns })).rejects.toThrow(
      new RegExp(`^the release phase of mary@${sha.slice(0, 7)} \\(\`node scripts/migrate.js\`, Job dev3/mary-release-[0-9a-f]+\\) failed with exit code 2; `
        + 'the end of its log: step 2 \\| step 3 \\| step 4 \\| connecting \\| error: relation "rides" does not exist\\. Nothing of the release was applied$'),
    );
    expect(seen).toHaveLength(1);
    expect(f.events).toContainEqual(expect.objectContaining({ type: 'stage', stage: 'release-phase', status: 'failed' }));
    expect(f.events.slice(before).filter((e) => e.type === 'applied' || e.type === 'pruned' || (e.type === 'stage' && e.stage === 'apply'))).toEqual([]);
    // The cluster runs the release before, untouched, and the history holds only it.
    expect(f.sim.store.get(typeOf('Deployment'), ns, 'mary-web')).toEqual(web);
    expect(f.sim.store.get(typeOf('ConfigMap'), ns, 'mary')).toEqual(configMap);
    const history = await f.history.list('mary', ns);
    expect(history.map((r) => r.sha)).toEqual([f.app.shas.first]);
  });

  it('runs on a first release in an environment with no Namespace yet, and applies nothing else when it fails', async () => {
    migratingBranch();
    recordReleaseJobs(() => ({ succeeded: false, log: 'boom\n' }));
    await expect(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'migrating', env: ns })).rejects.toThrow('failed with exit code 1; the end of its log: boom');
    for (const kind of ['Deployment', 'ConfigMap', 'Service', 'HorizontalPodAutoscaler', 'Ingress', 'CronJob']) {
      expect(f.sim.store.list(typeOf(kind), ns), kind).toEqual([]);
    }
    expect(await f.history.list('mary', ns)).toEqual([]);
  });
});
