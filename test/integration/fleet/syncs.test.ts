// Version sync and config sync on real parts: the example config (dev3 follows staging's
// versions and config), real app repositories and history, the kube simulator.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configOutOfSync } from '../../../src/core/fleet/config-sync-state.js';
import { syncConfig } from '../../../src/core/fleet/config-sync.js';
import type { FleetRun } from '../../../src/core/fleet/fleet-run.js';
import { fleetMessages } from '../../../src/core/fleet/tracked-release-messages.js';
import { syncVersions } from '../../../src/core/fleet/version-sync.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { main } from '../../../src/main/cli.js';
import { cleanupFixtures, commitFiles, makeAppRepo, tempDir } from '../../support/git-fixtures.js';
import { HISTORY_KEY, useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const APPS = ['gandalf', 'mary', 'pricing'];

/** gandalf and pricing (from the example's production) get their own repositories, set in staging and inherited by dev3. */
function syncWorld(): Record<string, { dir: string; main: string; first: string }> {
  const repos: Record<string, { dir: string; main: string; first: string }> = { mary: { dir: f.app.dir, main: f.app.shas.second, first: f.app.shas.first } };
  for (const app of ['gandalf', 'pricing']) {
    const repo = makeAppRepo(tempDir());
    const main = commitFiles(repo.dir, `${app} starts`, { APP: `${app}\n` });
    repos[app] = { dir: repo.dir, main, first: repo.shas.first };
    writeFileSync(join(f.configDir, 'staging', 'apps', `${app}.yaml`), `git: { origin: ${repo.dir} }\n`);
  }
  return repos;
}

function editProject(env: string, from: string, to: string): void {
  const file = join(f.configDir, env, 'project.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  writeFileSync(file, text.replace(from, to));
}

const ctx = (jobId: string) => ({ user: 'schedule:sync', jobId, onEvent: () => undefined });
const outcomes = (run: FleetRun) => Object.fromEntries(run.apps.map((a) => [a.app, a.outcome]));
const latest = async (app: string, env: string) => (await f.history.list(app, env, 1))[0];

describe('version sync', { timeout: 180_000 }, () => {
  it("moves an app to staging's version, holds one a person deployed a branch of, skips a pinned one", async () => {
    const repos = syncWorld();
    for (const app of APPS) await deploy(f.deps, f.ctx('nestor'), { app, env: 'staging', ref: 'main' });
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    // A deploy of a bare commit (as a sync deploys) holds nothing.
    await deploy(f.deps, f.ctx('bob'), { app: 'gandalf', env: 'dev3', ref: repos.gandalf!.first });
    const pricing = await deploy(f.deps, f.ctx('bob'), { app: 'pricing', env: 'dev3', ref: 'main' });
    await f.history.pin('pricing', 'dev3', { commit: pricing.commit!, by: 'carol', reason: 'testing a migration' });

    const dry = await syncVersions(f.deps, ctx('dry'), { env: 'dev3', dryRun: true });
    expect(outcomes(dry)).toEqual({ gandalf: 'moved', mary: 'skipped', pricing: 'unchanged' });

    const pricingMoves = await deploy(f.deps, f.ctx('nestor'), { app: 'pricing', env: 'staging', ref: repos.pricing!.first });
    expect(pricingMoves.outcome).toBe('released');
    const run = await syncVersions(f.deps, ctx('sync-1'), { env: 'dev3' });
    expect(run).toMatchObject({ env: 'dev3', title: "dev3 follows staging's versions", channel: 'tech-release-dev' });
    expect(outcomes(run)).toEqual({ gandalf: 'released', mary: 'skipped', pricing: 'skipped' });
    expect(await latest('gandalf', 'dev3')).toMatchObject({ sha: repos.gandalf!.main, user: 'schedule:sync', kind: 'deploy' });
    const alices = await latest('mary', 'dev3');
    const mary = run.apps.find((a) => a.app === 'mary')!;
    expect(mary).toMatchObject({ sha: f.app.shas.feature, skip: { reason: 'held', by: 'alice', why: 'deployed feature-x', at: alices!.at } });
    expect(Date.parse(mary.skip!.until!) - Date.parse(alices!.at)).toBe(24 * 3_600_000);
    expect(run.apps.find((a) => a.app === 'pricing')).toMatchObject({ skip: { reason: 'pinned', by: 'carol', why: 'testing a migration' } });
    expect(await latest('pricing', 'dev3')).toMatchObject({ sha: repos.pricing!.main });

    const messages = fleetMessages(run, { runId: 'sync-1', by: 'schedule:sync' });
    expect(JSON.stringify(messages.summary)).toContain('mary');
    expect(JSON.stringify(messages.summary)).toContain('held until');

    // The hold ends (here at once): alice's branch gives way to staging's version.
    editProject('dev3', 'hold_hours: 24', 'hold_hours: 0');
    const next = await syncVersions(f.deps, ctx('sync-2'), { env: 'dev3' });
    expect(outcomes(next)).toEqual({ gandalf: 'unchanged', mary: 'released', pricing: 'skipped' });
    expect(await latest('mary', 'dev3')).toMatchObject({ sha: f.app.shas.second });
  });
});

describe('nestor unpin', { timeout: 180_000 }, () => {
  it("ends the hold of a person's deploy for every process: the next version sync moves the app, and a later deploy holds it again", async () => {
    syncWorld();
    for (const app of APPS) await deploy(f.deps, f.ctx('nestor'), { app, env: 'staging', ref: 'main' });
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    expect(outcomes(await syncVersions(f.deps, ctx('sync-1'), { env: 'dev3' })).mary).toBe('skipped');

    // Another process: a clone of the history of its own.
    const other = new GitReleaseHistory({ remote: f.historyRemote, workDir: join(tempDir('nestor-unpin-'), 'history'), key: HISTORY_KEY });
    const out: string[] = [];
    const io: CliIo = { out: (s) => void out.push(s), err: (s) => void out.push(s), env: {}, cwd: f.configDir, user: 'dave', releaseDeps: () => ({ ...f.deps, history: other }) };
    expect(await main(['--config', f.configDir, 'unpin', 'mary', 'dev3'], io)).toBe(0);
    expect(out.join('')).toMatch(/^mary no longer held in dev3 \(alice deployed feature-x at \S+, held until \S+\): the version sync moves it again\n$/);
    out.length = 0;
    expect(await main(['--config', f.configDir, 'unpin', 'mary', 'dev3'], io)).toBe(0);
    expect(out.join('')).toBe('mary is neither pinned nor held in dev3\n');

    const next = await syncVersions(f.deps, ctx('sync-2'), { env: 'dev3' });
    expect(outcomes(next)).toMatchObject({ mary: 'released' });
    expect(await latest('mary', 'dev3')).toMatchObject({ sha: f.app.shas.second, user: 'schedule:sync' });

    await f.deps.clock.sleep(60_000);
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    expect(outcomes(await syncVersions(f.deps, ctx('sync-3'), { env: 'dev3' })).mary).toBe('skipped');
  });
});

describe('config sync', { timeout: 180_000 }, () => {
  it('a config change in staging shows up as out of sync in dev3 and is released by the config sync; a pinned app is left alone and listed', async () => {
    syncWorld();
    const released = await Promise.all(APPS.map((app) => deploy(f.deps, f.ctx('alice'), { app, env: 'dev3', ref: 'main' })));
    await f.history.pin('pricing', 'dev3', { commit: released[2]!.commit!, by: 'carol', reason: 'testing a migration' });
    expect(outcomes(await syncConfig(f.deps, ctx('sync-0'), { env: 'dev3' }))).toEqual({ gandalf: 'unchanged', mary: 'unchanged', pricing: 'unchanged' });

    editProject('staging', 'ope: { NODE_ENV: staging,', 'ope: { NODE_ENV: staging, FEATURE_FLAGS: "on",');
    for (const app of APPS) expect(await configOutOfSync(f.deps, app, 'dev3')).toMatchObject({ outOfSync: true });
    const dry = await syncConfig(f.deps, ctx('dry'), { env: 'dev3', dryRun: true });
    expect(outcomes(dry)).toEqual({ gandalf: 'moved', mary: 'moved', pricing: 'skipped' });

    const run = await syncConfig(f.deps, ctx('sync-1'), { env: 'dev3' });
    expect(outcomes(run)).toEqual({ gandalf: 'released', mary: 'released', pricing: 'skipped' });
    expect(run.apps.find((a) => a.app === 'mary')!.details).toContain('+ FEATURE_FLAGS = on');
    expect(run.apps.find((a) => a.app === 'pricing')).toMatchObject({ skip: { reason: 'pinned', by: 'carol' }, details: ['+ FEATURE_FLAGS = on'] });
    for (const app of ['gandalf', 'mary']) {
      expect(await latest(app, 'dev3')).toMatchObject({ kind: 'config', sha: released[APPS.indexOf(app)]!.sha, ref: 'main', user: 'schedule:sync' });
      expect(await configOutOfSync(f.deps, app, 'dev3')).toMatchObject({ outOfSync: false });
    }
    const recorded = await f.history.get('mary', 'dev3');
    expect(Object.values(recorded!.manifestsByCluster).join('')).toContain('FEATURE_FLAGS');
    expect(await configOutOfSync(f.deps, 'pricing', 'dev3')).toMatchObject({ outOfSync: true });
    expect(await latest('pricing', 'dev3')).toMatchObject({ kind: 'deploy' });

    const messages = fleetMessages(run, { runId: 'sync-1', by: 'schedule:sync' });
    expect(JSON.stringify(messages.summary)).toContain('dev3 config sync: 3 apps: 2 released, 1 skipped, 0 unchanged');
    expect(JSON.stringify(messages.thread)).toContain('+ FEATURE_FLAGS = on');
    expect(outcomes(await syncConfig(f.deps, ctx('sync-2'), { env: 'dev3' }))).toEqual({ gandalf: 'unchanged', mary: 'unchanged', pricing: 'skipped' });
  });

  it('refuses an environment that does not opt in', async () => {
    await expect(syncConfig(f.deps, ctx('x'), { env: 'staging' })).rejects.toThrow('staging does not sync its config: set release: { config_sync: true } in staging/project.yaml');
    await expect(syncVersions(f.deps, ctx('x'), { env: 'staging' })).rejects.toThrow("staging does not follow another environment's versions");
  });
});
