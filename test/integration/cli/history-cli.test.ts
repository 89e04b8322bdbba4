// `nestor history`, `nestor status` and `nestor diff` run as the real program, in-process, over a whole release
// setup (real git, kube simulator).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cliOn, runCli } from '../../support/cli-run.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const SECRET = 'https://key:s3cr3t-dsn@sentry.example/42';
let f: ReleaseFixture;

beforeEach(async () => {
  f = await releaseFixture();
  f.sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  f.sim.store.create(typeOf('Secret'), {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-secrets', namespace: ns }, data: { SENTRY_DSN: Buffer.from(SECRET).toString('base64') },
  });
});
afterEach(async () => {
  await f.close();
});
afterAll(() => cleanupFixtures());

const nestor = cliOn(() => ({ cwd: f.configDir, env: {}, deps: f.deps }));

const short = (sha: string) => sha.slice(0, 7);

describe('nestor status', () => {
  it('answers as Slack does: what runs where, replicas ready, and the pin', async () => {
    const released = await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'feature-x', env: ns });
    await f.history.pin('mary', ns, { commit: released.commit!, reason: 'hold', by: 'carol' });
    const run = await nestor('status', 'mary');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('· mary: status\n  mary runs in 1 of its 6 environments\n');
    expect(run.out).toMatch(new RegExp(`  dev3: feature-x ${short(f.app.shas.feature)}, 1/1 ready, released 2026-11-30 \\d\\d:\\d\\d UTC by alice \\(pinned: hold \\(by carol\\)\\)\\n`));
    expect(run.out).toContain('  staging: not deployed\n');
    const one = await nestor('status', 'mary', ns);
    expect(one.out).not.toContain('staging');
    expect(await nestor('status', '../x')).toMatchObject({ code: 2, err: expect.stringContaining('"../x"') });
  });

  it('needs no kubeconfig for the history, and leaves replicas out of the status without one', async () => {
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'feature-x', env: ns });
    const env = { NESTOR_CONFIG: f.configDir, NESTOR_HISTORY: f.historyRemote, NESTOR_STATE: join(f.configDir, '..', 'cli-state'), KUBECONFIG: '/nonexistent/kubeconfig' };
    const history = await runCli(['history', 'mary', ns], { cwd: f.configDir, env });
    expect(history).toMatchObject({ code: 0, stderr: '' });
    expect(history.stdout).toContain(`${short(f.app.shas.feature)} (feature-x)`);
    const status = await runCli(['status', 'mary', ns], { cwd: f.configDir, env });
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(new RegExp(`  dev3: feature-x ${short(f.app.shas.feature)}, released `));
  });
});

describe('nestor history', { timeout: 90_000 }, () => {
  it('lists releases newest first with version, who and message, and the pin', async () => {
    const first = await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'v1.0.0', env: ns });
    const second = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    const run = await nestor('history', 'mary', ns);
    expect(run).toMatchObject({ code: 0, err: '' });
    const lines = run.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^COMMIT\s+WHEN \(UTC\)\s+KIND\s+VERSION\s+WHO\s+MESSAGE$/);
    expect(lines[1]).toMatch(new RegExp(`^${short(second.commit!)}\\s+2026-11-30 \\d\\d:\\d\\d\\s+deploy\\s+${short(f.app.shas.feature)} \\(feature-x\\)\\s+bob\\s+deploy mary@`));
    expect(lines[2]).toMatch(new RegExp(`^${short(first.commit!)}\\s+.*\\s+${short(f.app.shas.first)} \\(v1.0.0\\)\\s+alice\\s+`));
    expect(lines).toHaveLength(3);
    expect((await nestor('history', 'mary', ns, '--limit', '1')).out.trimEnd().split('\n')).toHaveLength(2);

    await f.history.pin('mary', ns, { commit: first.commit!, reason: 'bad feature', by: 'carol' });
    const pinned = await nestor('history', 'mary', ns);
    expect(pinned.out).toContain(`${short(first.commit!)}*`);
    expect(pinned.out).toMatch(new RegExp(`pinned to ${short(first.commit!)} by carol since .*: bad feature\\n$`));
  });

  it('without an environment, lists the releases of every environment of the app, as Slack answers it', async () => {
    expect(await nestor('history', 'mary')).toMatchObject({ code: 0, out: 'no releases of mary\n' });
    const first = await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'v1.0.0', env: 'dev1' });
    const second = await deploy(f.deps, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: ns });
    await f.history.pin('mary', ns, { commit: second.commit!, reason: 'hold', by: 'carol' });
    const run = await nestor('history', 'mary');
    expect(run).toMatchObject({ code: 0, err: '' });
    const lines = run.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^COMMIT\s+ENV\s+WHEN \(UTC\)\s+KIND\s+VERSION\s+WHO\s+MESSAGE$/);
    expect(lines[1]).toMatch(new RegExp(`^${short(second.commit!)}\\s+dev3\\s+.*\\s+bob\\s+deploy mary@`));
    expect(lines[2]).toMatch(new RegExp(`^${short(first.commit!)}\\s+dev1\\s+.*\\s+alice\\s+deploy mary@`));
    expect(lines[3]).toMatch(new RegExp(`^dev3: pinned to ${short(second.commit!)} by carol since .*: hold$`));
    expect(lines).toHaveLength(4);
    expect((await nestor('history', 'mary', '--limit', '1')).out.trimEnd().split('\n')[2]).toMatch(/^dev3: pinned/);
    const json = JSON.parse((await nestor('history', 'mary', '--json')).out) as { env: null; releases: { env: string; commit: string }[]; pin: null };
    expect(json).toMatchObject({ app: 'mary', env: null, pin: null });
    expect(json.releases.map((r) => [r.env, r.commit])).toEqual([[ns, second.commit], ['dev1', first.commit]]);
  });

  it('says when there is nothing, and refuses a bad limit or name', async () => {
    expect(await nestor('history', 'mary', ns)).toMatchObject({ code: 0, out: 'no releases of mary in dev3\n' });
    expect(await nestor('history', 'mary', ns, '--limit', 'ten')).toMatchObject({ code: 2, err: 'nestor: --limit expects a whole number from 1 to 1000, got "ten"\n' });
    expect((await nestor('history', '../x', ns)).err).toContain('invalid app name');
  });
});

describe('nestor diff', { timeout: 90_000 }, () => {
  it('shows config drift a redeploy would apply and hand edits of live, Secret values masked', async () => {
    const released = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const clean = await nestor('diff', 'mary', ns);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain(`mary in dev3: release ${short(released.commit!)} (deploy of ${short(f.app.shas.feature)} (feature-x) by alice, 2026-11-30`);
    expect(clean.out).toContain('kapten_dev_eu-w1: nothing would change\n');
    expect(clean.out).toContain('kapten_dev_eu-w1: live matches the release\n');

    const appFile = join(f.configDir, 'dev3/apps/mary.yaml');
    writeFileSync(appFile, readFileSync(appFile, 'utf8').replace('LOG_LEVEL: debug', 'LOG_LEVEL: info'));
    const handEdit = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mary-web', namespace: ns }, spec: { replicas: 7 } };
    await f.deps.clusters.cluster('kapten_dev_eu-w1').apply([handEdit], { fieldManager: 'kubectl', force: true });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mary-secrets', namespace: ns }, data: { SENTRY_DSN: Buffer.from('other').toString('base64') } };
    await f.deps.clusters.cluster('kapten_dev_eu-w1').apply([secret], { fieldManager: 'kubectl', force: true });

    const run = await nestor('diff', 'mary', ns);
    expect(run.code).toBe(0);
    const [redeploy, drift] = run.out.split('\n== drift') as [string, string];
    expect(redeploy).toContain('kapten_dev_eu-w1: 0 to create, 3 to update, 0 to delete');
    expect(redeploy).toContain('--- live/ConfigMap dev3/mary');
    expect(redeploy).toMatch(/-\s+LOG_LEVEL: debug\n\+\s+LOG_LEVEL: info/);
    expect(redeploy).toMatch(/-\s+replicas: 7\n\+\s+replicas: 1/);
    expect(drift).toContain('--- recorded/Deployment dev3/mary-web\n+++ live/Deployment dev3/mary-web');
    expect(drift).toMatch(/-\s+replicas: 1\n\+\s+replicas: 7/);
    expect(drift).toMatch(/-\s+SENTRY_DSN: \(recorded value\)\n\+\s+SENTRY_DSN: \(live value\)/);
    expect(drift).not.toContain('LOG_LEVEL');
    for (const value of [SECRET, 'other', Buffer.from(SECRET).toString('base64'), Buffer.from('other').toString('base64')]) {
      expect(run.out).not.toContain(value);
    }
  });

  it('compares against an earlier release given by its history commit', async () => {
    const first = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'feature-x', env: ns });
    const run = await nestor('diff', 'mary', ns, short(first.commit!));
    expect(run.code).toBe(0);
    expect(run.out).toContain(`release ${short(first.commit!)} (deploy of ${short(f.app.shas.first)} (v1.0.0)`);
    expect(run.out).toContain(`-          image: docker.com/kapten/mary:${f.app.shas.feature}\n+          image: docker.com/kapten/mary:${f.app.shas.first}`);
    expect(run.out).toContain('+++ live/CronJob dev3/mary-purge');
    expect((await nestor('diff', 'mary', ns, 'zzz')).err).toContain('is not a history commit');
    expect((await nestor('diff', 'gandalf', ns)).err).toContain('gandalf has no release in dev3 yet');
  });
});
