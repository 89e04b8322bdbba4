// `nestor`'s exit codes, through the real program over a whole release setup (real git, kube
// simulator): 0 done, 1 failed, 2 bad input, 3 refused, 4 rolled back.
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/core/ports/cluster.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

// A busy app is refused at once instead of after the usual wait.
const nestor = cliOn(() => ({ cwd: f.configDir, env: { NESTOR_CONFIG: f.configDir }, deps: { ...f.deps, tuning: { ...f.deps.tuning, lockWaitMs: 0 } } }));

/** Pods of this commit's image crash from now on. */
function crashing(sha: string): void {
  f.sim.controllers.options.crashingImages = [sha];
}

describe('nestor exit codes', { timeout: 90_000 }, () => {
  it('2 for bad input: usage, arguments, unknown names; nothing runs', async () => {
    expect(await nestor('deploy', 'mary')).toMatchObject({ code: 2, err: expect.stringContaining("missing required argument 'ref'") });
    expect(await nestor('deplo', 'mary', 'main', ns)).toMatchObject({ code: 2, err: expect.stringContaining("unknown command 'deplo'") });
    expect(await nestor('status', 'mary', '--jsn')).toMatchObject({ code: 2, err: expect.stringContaining("unknown option '--jsn'") });
    expect(await nestor('history', 'mary', ns, '--limit', 'many')).toMatchObject({ code: 2, err: expect.stringContaining('--limit expects a whole number') });
    expect(await nestor('render', 'mary', 'dev9')).toMatchObject({ code: 2, err: expect.stringContaining('unknown environment "dev9"') });
    expect(await nestor('deploy', 'mary', 'main;id', ns)).toMatchObject({ code: 2 });
    expect(await nestor('deploy', '../x', 'main', ns)).toMatchObject({ code: 2 });
    expect(await f.history.list('mary', ns)).toHaveLength(0);
  });

  it('0 for what worked, help included', async () => {
    expect(await nestor('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage: nestor') });
    expect(await nestor('deploy', 'mary', 'v1.0.0', ns)).toMatchObject({ code: 0, out: expect.stringContaining('deployed mary') });
    expect(await nestor('deploy', 'mary', 'feature-x', ns)).toMatchObject({ code: 0 });
    // A rollback asked for is a success, unlike the automatic one below.
    expect(await nestor('rollback', 'mary', ns)).toMatchObject({ code: 0, out: expect.stringContaining('rolled back mary in dev3') });
  });

  it('4 when the rollout failed and the previous release runs again', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    crashing(f.app.shas.feature);
    const run = await nestor('deploy', 'mary', 'feature-x', ns);
    expect(run).toMatchObject({ code: 4, out: expect.stringContaining('rolled back to') });
  });

  it('1 when it failed: a first release whose rollout fails has nothing to roll back to', async () => {
    crashing(f.app.shas.feature);
    const run = await nestor('deploy', 'mary', 'feature-x', ns);
    expect(run).toMatchObject({ code: 1, out: expect.stringMatching(/rollout .*failed|failed its rollout/) });
  });

  it('scale and config set end as a deploy does: 0 committed while nothing runs, 1 when the release failed (the change stays committed)', async () => {
    expect(await nestor('scale', 'mary', ns, 'web=2:3')).toMatchObject({ code: 0, out: expect.stringContaining('it applies at the next deploy') });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    // The running image crashes from now on: the change's rollout fails, and so does the way back.
    crashing(f.app.shas.first);
    const run = await nestor('config', 'set', 'mary', ns, 'FOO=rolls-pods');
    expect(run).toMatchObject({ code: 1, out: expect.stringContaining('but its release failed') });
    expect(run.out).toContain('The config change stays in nestor-config');
  });

  it('3 when refused: fields another field manager owns, unless --force-conflicts', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    const cluster = f.deps.clusters.cluster('kapten_dev_eu-w1');
    const live = (await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'mary-web' }))!;
    const container = (live as unknown as { spec: { template: { spec: { containers: { name: string }[] } } } }).spec.template.spec.containers[0]!;
    const edit: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mary-web', namespace: ns },
      spec: { template: { spec: { containers: [{ name: container.name, image: 'docker.com/kapten/mary:hotfix' }] } } },
    };
    await cluster.apply([edit], { fieldManager: 'kubectl', force: true });
    const refused = await nestor('deploy', 'mary', 'feature-x', ns);
    expect(refused).toMatchObject({ code: 3, err: expect.stringContaining('kubectl') });
    expect(await nestor('deploy', 'mary', 'feature-x', ns, '--force-conflicts')).toMatchObject({ code: 0 });
  });

  it('3 when refused: the app is locked by another operation', async () => {
    const taken = await f.deps.locks.acquire(appLockKey('mary', ns), { id: 'job-7', user: 'carol', operation: 'deploy mary@v1.0.0' }, 60_000);
    expect(taken.held).toBe(true);
    expect(await nestor('deploy', 'mary', 'feature-x', ns)).toMatchObject({ code: 3, err: expect.stringContaining('carol') });
    expect(await f.history.list('mary', ns)).toHaveLength(0);
  });
});
