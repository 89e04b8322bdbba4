// `nestor report` as the real program, in-process, over a whole release setup (real git, kube
// simulator, real history): the table by default, the data with --json, and the chat grammar's
// checks on its one argument.
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());
const nestor = cliOn(() => ({ cwd: f.configDir, env: {}, deps: f.deps }));

describe('nestor report', { timeout: 60_000 }, () => {
  it('reports a deployed app in its environment, as text and as JSON', async () => {
    expect((await nestor('deploy', 'mary', 'feature-x', 'dev3')).code).toBe(0);
    const text = await nestor('report', 'dev3');
    expect([text.code, text.err]).toEqual([0, '']);
    expect(text.out).toContain('mary');
    expect(text.out).toContain(f.app.shas.feature.slice(0, 7));
    const json = await nestor('report', 'dev3', '--json');
    const report = JSON.parse(json.out) as { environments: { env: string; apps: { app: string }[] }[] };
    expect(report.environments.map((e) => e.env)).toEqual(['dev3']);
    expect(report.environments[0]?.apps.map((a) => a.app)).toContain('mary');
  });

  it('refuses a bad environment name as Slack would (exit 2)', async () => {
    const bad = await nestor('report', 'Dev3');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('invalid environment name "Dev3"')]);
  });
});
