// An app's PrometheusRule goes with its release: applied with it, changed by the next one.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

type RuleSpec = { groups: { rules: { alert: string; expr: string; for: string }[] }[] };
const rule = () => f.sim.store.get(typeOf('PrometheusRule'), 'dev3', 'mary');
const rulesOf = () => (rule()?.spec as RuleSpec | undefined)?.groups[0]?.rules ?? [];

describe('alert rules in a release', () => {
  it('applies the PrometheusRule only once the environment has monitoring:, and the next release changes it', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(rule()).toBeUndefined();

    appendFileSync(join(f.configDir, 'production/project.yaml'), '\nmonitoring: {}\n');
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(first.changes.filter((c) => c.change === 'create').map((c) => c.object)).toContain('PrometheusRule dev3/mary');
    expect(rulesOf().map((r) => r.alert)).toEqual(['WebSuccessRatioLow', 'WebLatencyP50High', 'WebLatencyP95High', 'PodsCrashLooping']);
    expect(rulesOf()[2]?.expr).toMatch(/ > 2$/);

    const mary = join(f.configDir, 'production/apps/mary.yaml');
    writeFileSync(mary, readFileSync(mary, 'utf8').replace('tplWeb95thLatencyThreshold: "2"', 'tplWeb95thLatencyThreshold: 1500ms'));
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
    expect(rulesOf()[2]?.expr).toMatch(/ > 1\.5$/);
    expect(rule()?.metadata.labels).toMatchObject({ 'nestor.io/release': f.app.shas.second.slice(0, 7) });
  });
});
