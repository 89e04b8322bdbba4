// The sync report on real parts: the example config, a real app repository and history, the kube
// simulator edited by hand with the real kubectl. Drift planted with kubectl (an edited
// Deployment, a deleted Service) shows up, a change of staging's project.yaml shows as config out
// of sync in dev3, a failed rollout as the last failure with its pin, and a cluster that cannot be
// read as unknown rather than a failed report.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClusterProvider } from '../../../src/adapters/kube/client/kube-cluster-provider.js';
import { syncReport, type AppReport, type SyncReport } from '../../../src/core/fleet/sync-report.js';
import { syncReportMessages } from '../../../src/core/fleet/sync-report-messages.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { kubeconfigYaml } from '../../../src/testkit/kube-sim/index.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { CLUSTERS, useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const ENV = 'dev3';
const run = promisify(execFile);

async function kubectl(...args: string[]): Promise<string> {
  const dir = tempDir('nestor-kubectl-');
  const kubeconfig = await f.sim.writeKubeconfig(dir, ['kapten_dev_eu-w1']);
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);
  return stdout;
}

const appOf = (report: SyncReport, app: string): AppReport => {
  const found = report.environments.find((e) => e.env === ENV)?.apps.find((a) => a.app === app);
  if (!found) throw new Error(`${app} is not in the report of ${ENV}`);
  return found;
};

describe('sync report', { timeout: 120_000 }, () => {
  it('shows what runs, then the drift planted with kubectl and a config change of staging inherited by dev3', async () => {
    // Two apps: each release applies the environment's Namespace with its own release label, which is no drift of either.
    writeFileSync(join(f.configDir, 'dev3/apps/pricing.yaml'), `git: { origin: ${f.app.dir} }\n`);
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: ENV, ref: 'main' });
    await deploy(f.deps, f.ctx('carol'), { app: 'pricing', env: ENV, ref: 'main' });
    const before = await syncReport(f.deps, { env: ENV });
    expect(before.environments.map((e) => e.env)).toEqual([ENV]);
    expect(appOf(before, 'mary')).toMatchObject({
      release: { sha: f.app.shas.second, ref: 'main', user: 'alice' },
      drift: { state: 'clean' }, config: { state: 'in-sync' },
    });
    expect(appOf(before, 'pricing')).toMatchObject({ release: { user: 'carol' }, drift: { state: 'clean' } });
    expect(appOf(before, 'gandalf')).toEqual({ app: 'gandalf', disabled: false });

    await kubectl('patch', 'deployment', 'mary-web', '-n', ENV, '--type=merge', '-p', '{"spec":{"replicas":4}}');
    await kubectl('delete', 'service', 'mary', '-n', ENV);
    const project = join(f.configDir, 'staging/project.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('NODE_ENV: staging,', 'NODE_ENV: staging, LOG_FORMAT: json,'));

    const after = await syncReport(f.deps, { env: ENV });
    const mary = appOf(after, 'mary');
    expect(mary.drift).toEqual({
      state: 'drifted',
      clusters: [{ cluster: 'kapten_dev_eu-w1', state: 'drifted', changes: ['deleted Service dev3/mary', 'edited Deployment dev3/mary-web (spec.replicas)'] }],
    });
    expect(mary.config?.state).toBe('out-of-sync');
    expect(mary.config?.changes).toContainEqual({ key: 'LOG_FORMAT', change: 'added', after: 'json' });

    const { summary } = syncReportMessages(after, { by: 'tester' });
    expect(summary.summary).toBe('dev3: 3 apps: 1 drifted, 2 config out of sync (1 never released)');
    expect(summary.sections.find((s) => s.title === 'Drifted (1)')?.lines).toEqual(['mary: deleted Service dev3/mary, edited Deployment dev3/mary-web (spec.replicas)']);
  });

  it('gives the last failure and the pin it left; a cluster that cannot be read is unknown', async () => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: ENV, ref: 'main' });
    f.sim.controllers.options.crashingImages = [f.app.shas.feature];
    const failed = await deploy(f.deps, f.ctx('bob'), { app: 'mary', env: ENV, ref: 'feature-x' });
    expect(failed.outcome).toBe('rolled-back');

    const report = await syncReport(f.deps, {});
    expect(report.environments.map((e) => e.env)).toEqual(['dev1', 'dev2', 'dev3', 'production', 'shadow', 'staging']);
    const mary = appOf(report, 'mary');
    expect(mary.release).toMatchObject({ kind: 'rollback', sha: f.app.shas.second });
    expect(mary.pin).toMatchObject({ by: 'bob' });
    expect(mary.lastFailure).toMatchObject({ user: 'bob' });
    expect(mary.lastFailure?.text).toContain(`rollout of mary@${f.app.shas.feature.slice(0, 7)} in dev3 failed`);
    expect(mary.drift?.state).toBe('clean');

    const down = new KubeConfig();
    down.loadFromString(kubeconfigYaml(CLUSTERS.map((name) => ({ name, server: 'http://127.0.0.1:1' }))));
    const unreadable = { ...f.deps, clusters: new KubeClusterProvider(down, { retry: { clock: new InstantClock() } }) };
    const blind = appOf(await syncReport(unreadable, { env: ENV }), 'mary');
    expect(blind.drift?.state).toBe('unknown');
    expect(blind.drift?.clusters[0]?.why).toMatch(/kapten_dev_eu-w1/);
    expect(blind.release?.sha).toBe(f.app.shas.second);
  });
});
