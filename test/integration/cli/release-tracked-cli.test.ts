// `nestor release-tracked` as the real program, in-process, over a whole release setup (real
// git, kube simulator, real history). mary follows master in staging; gandalf and pricing are
// turned off there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());
const nestor = cliOn(() => ({ cwd: f.configDir, env: {}, deps: f.deps }));

function stagingFollowsMaster(): string {
  for (const app of ['gandalf', 'pricing']) writeFileSync(join(f.configDir, 'staging', 'apps', `${app}.yaml`), 'is_enabled: false\n');
  git(f.app.dir, 'branch', 'master', 'main');
  return f.app.shas.second.slice(0, 7);
}

describe('nestor release-tracked', { timeout: 60_000 }, () => {
  it('lists what moved on a dry run, then releases it; the counts end the output', async () => {
    const sha = stagingFollowsMaster();
    const dry = await nestor('release-tracked', 'staging', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`moved     mary ${sha}: mary would move to master at ${sha}`);
    expect(dry.out).toContain('skipped   gandalf: gandalf is disabled in staging (is_enabled: false)');
    expect(dry.out.trimEnd().split('\n').at(-1)).toBe('dry run: staging follows master: 3 apps: 1 would be released, 2 skipped, 0 unchanged');
    expect(await f.history.list('mary', 'staging')).toEqual([]);

    const run = await nestor('release-tracked', 'staging', '--parallelism', '2');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`released  mary ${sha}: deployed mary@${sha} (master) to staging`);
    expect((await f.history.list('mary', 'staging'))[0]).toMatchObject({ sha: f.app.shas.second, ref: 'master', user: 'tester' });
    expect((await nestor('release-tracked', 'staging')).out).toContain(`unchanged mary ${sha}: mary runs master at ${sha} already`);
  });

  it('refuses a bad parallelism, an unknown environment and one that needs approvals (exit 2)', async () => {
    const bad = await nestor('release-tracked', 'staging', '--parallelism', '0');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('expected a whole number of apps at once per cluster')]);
    expect((await nestor('release-tracked', 'stagin')).err).toContain('unknown environment "stagin"; did you mean "staging"?');
    const production = await nestor('release-tracked', 'production');
    expect([production.code, production.err]).toEqual([2, expect.stringContaining('production needs an approval for each release')]);
  });
});
