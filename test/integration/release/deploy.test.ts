import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { rollback } from '../../../src/core/release/rollback.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const ns = 'dev3';
const get = (kind: string, name: string, namespace: string | undefined = ns) => f.sim.store.get(typeOf(kind), namespace, name);
const imageOf = (name: string) => (get('Deployment', name)?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;

describe('deploy', () => {
  it('deploys a branch: the commit image, its Procfile, one history commit', async () => {
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('released');
    expect(result.message).toBe(`deployed mary@${f.app.shas.feature.slice(0, 7)} (feature-x) to dev3`);
    expect(imageOf('mary-web')).toBe(`docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(get('Deployment', 'mary-worker')).toBeUndefined();
    expect(get('Namespace', ns, undefined)).toBeDefined();
    const releases = await f.history.list('mary', ns);
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ kind: 'deploy', sha: f.app.shas.feature, ref: 'feature-x', user: 'alice' });
    const stages = f.events.filter((e) => e.type === 'stage' && e.status === 'finished').map((e) => (e as { stage: string }).stage);
    expect(stages).toEqual(['resolve', 'render', 'diff', 'apply', 'rollout', 'history']);
  });

  it('prunes the process a new Procfile removed, and nothing without its labels', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'staging' });
    const staging = (kind: string, name: string) => get(kind, name, 'staging');
    expect(staging('Deployment', 'mary-worker')).toBeDefined();
    expect(staging('CronJob', 'mary-purge')).toBeDefined();
    f.sim.store.create(typeOf('ConfigMap'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hand-made', namespace: 'staging', labels: { app: 'mary' } }, data: {} });
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'staging' });
    expect(result.changes.filter((c) => c.change === 'delete').map((c) => c.object)).toEqual(['Deployment staging/mary-worker']);
    expect(staging('Deployment', 'mary-worker')).toBeUndefined();
    // feature-x has no Cronfile: the crons the config declares remain.
    expect(staging('CronJob', 'mary-purge')).toBeDefined();
    expect(staging('ConfigMap', 'hand-made')).toBeDefined();
    expect(await f.history.list('mary', 'staging')).toHaveLength(2);
  });

  it('changes nothing on a dry run', async () => {
    const result = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns, dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(result.changes.every((c) => c.change === 'create')).toBe(true);
    expect(result.diff).toContain(`+          image: docker.com/kapten/mary:${f.app.shas.feature}`);
    expect(get('Deployment', 'mary-web')).toBeUndefined();
    expect(await f.history.list('mary', ns)).toHaveLength(0);
  });

  it('rolls back automatically to the last good release when the rollout fails, and pins', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    f.sim.controllers.options.crashingImages = [f.app.shas.feature];
    const result = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('rolled-back');
    expect(result.failures[0]).toContain('mary-web');
    expect(result.message).toContain('rolled back to');
    expect(result).toMatchObject({ sha: f.app.shas.first, attempted: { sha: f.app.shas.feature, ref: 'feature-x' } });
    expect(imageOf('mary-web')).toBe(`docker.com/kapten/mary:${f.app.shas.first}`);
    const releases = await f.history.list('mary', ns);
    expect(releases.map((r) => r.kind)).toEqual(['rollback', 'deploy']);
    expect(await f.history.getPin('mary', ns)).toMatchObject({ by: 'bob' });
    // A scheduled promotion respects the pin; a person deploying replaces it.
    await expect(deploy(f.deps, f.ctx('cron'), { app: 'mary', ref: 'main', env: ns, trigger: 'schedule' })).rejects.toThrow('pinned');
    f.sim.controllers.options.crashingImages = [];
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: ns });
    expect(await f.history.getPin('mary', ns)).toBeUndefined();
  });

  it('refuses an approved deploy whose ref moved since the approval', async () => {
    const run = deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns, sha: f.app.shas.first, approvedBy: 'carol' });
    await expect(run).rejects.toThrow(`feature-x now points at ${f.app.shas.feature.slice(0, 7)}, not the approved ${f.app.shas.first.slice(0, 7)}: ask for approval again`);
    expect(f.sim.faults.count({ method: 'PATCH' })).toBe(0);
    const approved = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns, sha: f.app.shas.feature, approvedBy: 'carol' });
    expect(approved.message).toBe(`deployed mary@${f.app.shas.feature.slice(0, 7)} (feature-x) to dev3`);
  });

  it('refuses bad refs and names before touching git or the cluster', async () => {
    const root = dirname(f.historyRemote);
    const requests = f.sim.faults.count();
    const historyHead = git(f.historyRemote, 'log', '--all', '--format=%H');
    const touched = () => [existsSync(join(root, 'mirrors')), existsSync(join(root, 'history-work', '.git'))];
    const before = touched();
    await expect(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main;curl x|sh', env: ns })).rejects.toThrow('main;curl x|sh');
    await expect(deploy(f.deps, f.ctx(), { app: '../../x', ref: 'main', env: ns })).rejects.toThrow('invalid app name');
    await expect(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'Dev3' })).rejects.toThrow('invalid environment name');
    await expect(deploy(f.deps, f.ctx(), { app: 'a'.repeat(64), ref: 'main', env: ns })).rejects.toThrow('invalid app name');
    // Not one request to the cluster, no mirror of the sources, no clone of the history, the history as it was.
    expect(f.sim.faults.count()).toBe(requests);
    expect(touched()).toEqual(before);
    expect(git(f.historyRemote, 'log', '--all', '--format=%H')).toBe(historyHead);
  });
});

describe('rollback', () => {
  it('restores a named release byte for byte and records itself as a new commit', async () => {
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const result = await rollback(f.deps, f.ctx('carol'), { app: 'mary', env: ns, commit: first.commit! });
    expect(result.outcome).toBe('rolled-back');
    expect(imageOf('mary-web')).toBe(`docker.com/kapten/mary:${f.app.shas.first}`);
    const [latest] = await f.history.list('mary', ns);
    expect(latest).toMatchObject({ kind: 'rollback', user: 'carol', sha: f.app.shas.first });
    const before = await f.history.get('mary', ns, first.commit!);
    const after = await f.history.get('mary', ns, latest!.commit);
    expect(after!.manifestsByCluster).toEqual(before!.manifestsByCluster);
    expect(await f.history.getPin('mary', ns)).toMatchObject({ by: 'carol' });
  });

  it('defaults to the release before the latest', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    await rollback(f.deps, f.ctx(), { app: 'mary', env: ns });
    expect(imageOf('mary-web')).toBe(`docker.com/kapten/mary:${f.app.shas.first}`);
    await expect(rollback(f.deps, f.ctx(), { app: 'gandalf', env: ns })).rejects.toThrow('gandalf has no earlier release in dev3');
  });
});

describe('secrets', () => {
  it('re-applies live secret values and never writes them in clear to history', async () => {
    const value = 'https://key:s3cr3t-value@sentry.example/42';
    f.sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    f.sim.store.create(typeOf('Secret'), {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-secrets', namespace: ns },
      data: { SENTRY_DSN: Buffer.from(value).toString('base64') },
    });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const everything = git(f.historyRemote, 'log', '-p', '--all');
    expect(everything).toContain('nestor-enc:v1:');
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    const release = await f.history.get('mary', ns);
    expect(release!.manifestsByCluster['kapten_dev_eu-w1']).toContain(Buffer.from(value).toString('base64'));
  });
});

describe('concurrency', () => {
  it('serialises two deploys of one app in one environment and tells the second why it waits', async () => {
    const [a, b] = await Promise.all([
      deploy(f.deps, f.ctx('alice', 'job-a'), { app: 'mary', ref: 'v1.0.0', env: ns }),
      deploy(f.deps, f.ctx('bob', 'job-b'), { app: 'mary', ref: 'feature-x', env: ns }),
    ]);
    expect([a.message, b.message]).toEqual([`deployed mary@${f.app.shas.first.slice(0, 7)} (v1.0.0) to dev3`, `deployed mary@${f.app.shas.feature.slice(0, 7)} (feature-x) to dev3`]);
    const waiting = f.events.filter((e) => e.type === 'waiting');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ message: expect.stringContaining('waiting behind deploy mary@') });
    expect(await f.history.list('mary', ns)).toHaveLength(2);
  });
});
