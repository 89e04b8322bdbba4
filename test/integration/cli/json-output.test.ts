// `--json` on the commands scripts read (render, status, history, diff): one JSON document on
// stdout whose keys are always there, through the real program over a whole release setup.
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const nestor = cliOn(() => ({ cwd: f.configDir, env: { NESTOR_CONFIG: f.configDir }, deps: f.deps }));

async function nestorJson(...argv: string[]): Promise<{ json: unknown; err: string }> {
  const { code, out, err } = await nestor(...argv, '--json');
  expect(code, err).toBe(0);
  return { json: JSON.parse(out) as unknown, err };
}

describe('--json', { timeout: 90_000 }, () => {
  it('render: the objects, kind and name, in the order of the YAML', async () => {
    const { json } = await nestorJson('render', 'mary', ns);
    const objects = json as Record<string, unknown>[];
    expect(objects[0]).toEqual({ cluster: 'kapten_dev_eu-w1', context: 'kapten_dev_eu-w1', apiVersion: 'v1', kind: 'Namespace', namespace: null, name: 'dev3' });
    expect(objects).toContainEqual({ cluster: 'kapten_dev_eu-w1', context: 'kapten_dev_eu-w1', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dev3', name: 'mary-web' });
    const yaml = await nestor('render', 'mary', ns);
    const documents = loadAll(yaml.out) as { kind: string; metadata: { name: string } }[];
    expect(objects.map((o) => `${String(o['kind'])}/${String(o['name'])}`)).toEqual(documents.map((d) => `${d.kind}/${d.metadata.name}`));
  });

  it('history and status: releases newest first, the pin, replicas; null where there is nothing', async () => {
    const first = await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'v1.0.0', env: ns });
    const second = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    await f.history.pin('mary', ns, { commit: second.commit!, reason: 'hold', by: 'carol' });

    const { json: history } = await nestorJson('history', 'mary', ns);
    expect(history).toMatchObject({
      app: 'mary', env: ns,
      releases: [
        { commit: second.commit, kind: 'deploy', sha: f.app.shas.feature, ref: 'feature-x', user: 'bob', at: expect.any(String), message: expect.stringContaining('deploy mary@') },
        { commit: first.commit, sha: f.app.shas.first, ref: 'v1.0.0', user: 'alice' },
      ],
      pin: { commit: second.commit, by: 'carol', reason: 'hold', at: expect.any(String), approvedBy: null },
    });

    const { json: status } = await nestorJson('status', 'mary');
    const envs = (status as { environments: { env: string }[] }).environments;
    expect(envs.find((e) => e.env === ns)).toEqual({
      env: ns, release: expect.objectContaining({ commit: second.commit, sha: f.app.shas.feature, ref: 'feature-x', user: 'bob' }),
      replicas: { ready: 1, desired: 1 }, pin: expect.objectContaining({ by: 'carol', reason: 'hold' }),
    });
    expect(envs.find((e) => e.env === 'staging')).toEqual({ env: 'staging', release: null, replicas: null, pin: null });
  });

  it('diff: per cluster, the changes of a redeploy and the drift, progress on stderr', async () => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'feature-x', env: ns });
    const cluster = f.deps.clusters.cluster('kapten_dev_eu-w1');
    await cluster.delete({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'mary' });
    const { json, err } = await nestorJson('diff', 'mary', ns);
    expect(err).not.toBe('');
    const report = json as { app: string; env: string; release: { sha: string }; pin: unknown; clusters: { cluster: string; redeploy: { object: string; change: string }[]; drift: { object: string; change: string }[] }[] };
    expect(report).toMatchObject({ app: 'mary', env: ns, release: { sha: f.app.shas.feature }, pin: null });
    expect(report.clusters.map((c) => c.cluster)).toEqual(['kapten_dev_eu-w1']);
    const [dev] = report.clusters;
    expect(dev!.redeploy).toContainEqual({ object: 'Service dev3/mary', change: 'create', fields: [] });
    expect(dev!.drift).toContainEqual(expect.objectContaining({ object: 'Service dev3/mary', change: 'create' }));
    expect(dev!.redeploy.filter((c) => c.change !== 'unchanged')).toHaveLength(1);
  });
});
