// `nestor sync versions|config` as the real program, in-process, over a whole release setup (real
// git, kube simulator, real history). dev3 follows staging's versions and config; gandalf and
// pricing are turned off there.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { cliOn } from '../../support/cli-run.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());
const nestor = cliOn(() => ({ cwd: f.configDir, env: {}, deps: f.deps }));

function maryOnly(): void {
  for (const app of ['gandalf', 'pricing']) writeFileSync(join(f.configDir, 'staging', 'apps', `${app}.yaml`), 'is_enabled: false\n');
}

describe('nestor sync', { timeout: 60_000 }, () => {
  it("versions: moves mary to staging's version; config: releases it again with a changed variable, the change listed", async () => {
    maryOnly();
    await deploy(f.deps, f.ctx('nestor'), { app: 'mary', env: 'staging', ref: 'main' });
    await deploy(f.deps, f.ctx('nestor'), { app: 'mary', env: 'dev3', ref: f.app.shas.first });
    const [second, first] = [f.app.shas.second.slice(0, 7), f.app.shas.first.slice(0, 7)];
    const dry = await nestor('sync', 'versions', 'dev3', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`moved     mary ${second}: mary would move from ${first} to staging's ${second}`);
    expect(dry.out.trimEnd().split('\n').at(-1)).toBe("dry run: dev3 follows staging's versions: 3 apps: 1 would be released, 2 skipped, 0 unchanged");
    const run = await nestor('sync', 'versions', 'dev3');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`released  mary ${second}: deployed mary@${second} to dev3`);

    const file = join(f.configDir, 'staging', 'project.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ope: { NODE_ENV: staging,', 'ope: { NODE_ENV: staging, FEATURE_FLAGS: "on",'));
    const config = await nestor('sync', 'config', 'dev3');
    expect(config.code).toBe(0);
    expect(config.out).toContain(`released  mary ${second}: released mary@${second}`);
    expect(config.out).toContain('+ FEATURE_FLAGS = on');
    expect(config.out.trimEnd().split('\n').at(-1)).toBe('dev3 config sync: 3 apps: 1 released, 2 skipped, 0 unchanged');
    expect((await f.history.list('mary', 'dev3'))[0]).toMatchObject({ kind: 'config', sha: f.app.shas.second, user: 'tester' });
  });

  it('refuses an environment that does not opt in and a bad parallelism (exit 2)', async () => {
    const staging = await nestor('sync', 'config', 'staging');
    expect([staging.code, staging.err]).toEqual([2, expect.stringContaining('staging does not sync its config')]);
    const bad = await nestor('sync', 'versions', 'dev3', '--parallelism', '0');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('expected a whole number of apps at once per cluster')]);
  });
});
