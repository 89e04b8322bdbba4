// An app's PrometheusRule and AlertmanagerConfig go with its release: applied with it, changed by
// the next one, pruned when no longer rendered, back with a rollback; a cluster without
// prometheus-operator releases as before, its kinds neither listed nor pruned.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { rollback } from '../../../src/core/release/rollback.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

afterAll(() => cleanupFixtures());

type RuleSpec = { groups: { rules: { alert: string; expr: string; for: string }[] }[] };
type RoutingSpec = { route: { receiver: string }; receivers: { name: string; slackConfigs: { channel: string }[] }[] };

/** The example turns alerts off in staging, so in dev3: this turns them on there, with production's `monitoring:`. */
function alertsInDev3(configDir: string): void {
  const staging = join(configDir, 'staging/project.yaml');
  const text = readFileSync(staging, 'utf8');
  expect(text).toMatch(/^monitoring: null/m);
  writeFileSync(staging, text.replace(/^monitoring: null.*$/m, ''));
}

describe('alert rules in a release', () => {
  const f = useReleaseFixture();
  const rule = () => f.sim.store.get(typeOf('PrometheusRule'), 'dev3', 'mary');
  const routing = () => f.sim.store.get(typeOf('AlertmanagerConfig'), 'dev3', 'mary');
  const rulesOf = () => (rule()?.spec as RuleSpec | undefined)?.groups[0]?.rules ?? [];
  const changed = (changes: readonly { change: string; object: string }[], kind: string) => changes.filter((c) => c.change === kind).map((c) => c.object);

  it('applies the PrometheusRule only once the environment has monitoring:, and the next release changes it', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(rule()).toBeUndefined();

    alertsInDev3(f.configDir);
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(changed(first.changes, 'create')).toContain('PrometheusRule dev3/mary');
    expect(rulesOf().map((r) => r.alert)).toEqual(['WebSuccessRatioLow', 'WebLatencyP50High', 'WebLatencyP95High', 'PodsCrashLooping']);
    expect(rulesOf()[2]?.expr).toMatch(/ > 2$/);

    const mary = join(f.configDir, 'production/apps/mary.yaml');
    writeFileSync(mary, readFileSync(mary, 'utf8').replace('tplWeb95thLatencyThreshold: "2"', 'tplWeb95thLatencyThreshold: 1500ms'));
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
    expect(rulesOf()[2]?.expr).toMatch(/ > 1\.5$/);
    expect(rule()?.metadata.labels).toMatchObject({ 'nestor.io/release': f.app.shas.second.slice(0, 7) });
  });

  it("routes the app's alerts to its team's channel, follows a change of team, and prunes rule and routing with the environment's monitoring:", async () => {
    alertsInDev3(f.configDir);
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(changed(first.changes, 'create')).toEqual(expect.arrayContaining(['PrometheusRule dev3/mary', 'AlertmanagerConfig dev3/mary']));
    const spec = () => routing()?.spec as RoutingSpec | undefined;
    expect(spec()?.route.receiver).toBe('team-security');
    expect(spec()?.receivers[0]?.slackConfigs[0]?.channel).toBe('#alerts-security');

    const mary = join(f.configDir, 'production/apps/mary.yaml');
    writeFileSync(mary, readFileSync(mary, 'utf8').replace('  tplTeam: security\n', ''));
    const second = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(changed(second.changes, 'update')).toContain('AlertmanagerConfig dev3/mary');
    expect(spec()?.route.receiver).toBe('team-platform');

    appendFileSync(join(f.configDir, 'dev3/project.yaml'), '\nmonitoring: null\n');
    const third = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(changed(third.changes, 'delete').sort()).toEqual(['AlertmanagerConfig dev3/mary', 'PrometheusRule dev3/mary']);
    expect(rule()).toBeUndefined();
    expect(routing()).toBeUndefined();
    expect(f.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')).toBeDefined();

    // A rollback applies the release before, as recorded: its rule and routing come back.
    const back = await rollback(f.deps, f.ctx(), { app: 'mary', env: 'dev3' });
    expect(changed(back.changes, 'create').sort()).toEqual(['AlertmanagerConfig dev3/mary', 'PrometheusRule dev3/mary']);
    expect(spec()?.route.receiver).toBe('team-platform');
  });
});

describe('a cluster without prometheus-operator', () => {
  const f = useReleaseFixture({ prometheusOperator: false });

  it('releases as before; with monitoring: the release is refused before anything is applied, naming the kind', async () => {
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(first.outcome).toBe('released');
    const image = () => (f.sim.store.get(typeOf('Deployment'), 'dev3', 'mary-web')?.spec as { template: { spec: { containers: { image: string }[] } } })
      .template.spec.containers[0]?.image;
    const before = image();

    alertsInDev3(f.configDir);
    await expect(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' }))
      .rejects.toThrow('cluster kapten_dev_eu-w1 does not serve PrometheusRule in monitoring.coreos.com/v1 (is its CRD installed?)');
    expect(image()).toBe(before);
  });
});
