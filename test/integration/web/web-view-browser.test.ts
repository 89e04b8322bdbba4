// The web view in headless Chromium (Debian's chromium driven by playwright-core): signing in
// with Slack through the OIDC stand-in by following the redirects, the matrix rendered with a
// drifted app and a config out of sync marked, an app drifted live marked once a worker's report
// read it and cleared by a worker's release, and an approval reached by keyboard and decided on the page, its job
// queued exactly once though a second, stale page approves it again.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { reportHandler } from '../../../src/main/report-schedule.js';
import { workerPipelines } from '../../../src/main/worker.js';
import { announcerOf } from '../../../src/main/worker-announce.js';
import { publishingDrift } from '../../../src/main/worker-drift.js';
import { TOKENS } from '../../support/api-world.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { webWorld, type WebWorld } from '../../support/web-world.js';

const f = useReleaseFixture();
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  cleanupFixtures();
});

/** A fresh browser profile signed in as the Slack user, on `path`. */
async function signedInPage(world: WebWorld, id: string, name: string, path: string): Promise<Page> {
  world.oidc.signInAs(id, name);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${world.webUrl}${path}`);
  expect(new URL(page.url()).pathname).toBe(path);
  return page;
}

const run = promisify(execFile);

/** The real kubectl on dev3's cluster of the simulator, as a person editing it by hand. */
async function kubectl(...args: string[]): Promise<string> {
  const dir = tempDir('nestor-kubectl-');
  const kubeconfig = await f.sim.writeKubeconfig(dir, ['kapten_dev_eu-w1']);
  return (await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args])).stdout;
}

describe('web view in Chromium', () => {
  it('signs in with Slack and renders the matrix, a drifted app and a config out of sync marked in words', async (ctx) => {
    const world = await webWorld(ctx, f);
    await deploy(f.deps, f.ctx('alice', 'job-br-1'), { app: 'mary', env: 'staging', ref: 'main' });
    await deploy(f.deps, f.ctx('bob', 'job-br-2'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    const page = await signedInPage(world, 'U0CAROL', 'carol', '/');
    expect(await page.locator('#matrix caption').innerText()).toMatch(/^What runs where: 3 apps in 6 environments/);
    const dev3 = page.locator('td[data-app="mary"][data-env="dev3"]');
    expect(await dev3.locator('.mark.drift').innerText()).toBe('drift');
    expect(await dev3.locator('a').innerText()).toBe(f.app.shas.feature.slice(0, 7));
    expect(await page.locator('td[data-app="mary"][data-env="staging"] .mark').count()).toBe(0);
    expect(await page.locator('thead th[scope="col"]').allInnerTexts()).toEqual(expect.arrayContaining(['App', 'dev3\nfollows staging', 'production']));

    // dev3's config changes since its release: marked in words there, not in staging.
    const project = join(f.configDir, 'dev3', 'project.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('memory: 200Mi', 'memory: 300Mi'));
    await page.reload();
    expect(await dev3.locator('.mark.out').innerText()).toBe('config out of sync');
    expect(await page.locator('td[data-app="mary"][data-env="staging"] .mark').count()).toBe(0);
  });

  it('marks an app drifted live once a worker\'s report read it, with when and which objects; a worker\'s release clears the mark', async (ctx) => {
    const world = await webWorld(ctx, f);
    const logger = pino({ level: 'silent' });
    await deploy(f.deps, f.ctx('alice', 'job-live-1'), { app: 'mary', env: 'dev3', ref: 'main' });
    const page = await signedInPage(world, 'U0CAROL', 'carol', '/');
    const dev3 = page.locator('td[data-app="mary"][data-env="dev3"]');
    expect(await dev3.getAttribute('data-live')).toBe('not-checked');
    expect(await dev3.locator('.live').innerText()).toBe('live: not checked');

    // Someone deletes the app's Service by hand; the report schedule fires in a worker.
    await kubectl('delete', 'service', 'mary', '-n', 'dev3');
    const report = reportHandler(f.deps, world.redis, world.app.client, logger, { board: world.drift });
    const schedule = { env: 'dev3', name: 'report', kind: 'report' as const, cron: '0 9 * * 1-5', timeZone: 'Europe/Paris', channel: 'dev-reports' };
    await report({ env: 'dev3', schedule, firedAt: new Date(), firingId: 'firing-live-1', signal: new AbortController().signal });
    await page.reload();
    expect(await dev3.getAttribute('data-live')).toBe('drifted');
    expect(await dev3.getAttribute('data-live-stale')).toBeNull();
    expect(await dev3.locator('.mark.live-drift').innerText()).toBe('drifted (live)');
    expect(await dev3.locator('.mark.drift').count()).toBe(0);
    expect(await dev3.locator('summary .age').innerText()).toBe('checked 0m ago');
    // Which objects, on opening the cell's details (a summary is a button to the keyboard and screen readers).
    await dev3.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await dev3.locator('details li').allInnerTexts()).toEqual(['deleted Service dev3/mary']);

    // A worker releases mary again: applied, so in sync, and the Service is back.
    const announce = publishingDrift(announcerOf(async () => undefined, () => undefined), world.drift, f.deps.wallClock, logger);
    const released = await workerPipelines(f.deps, announce).deploy!(f.ctx('bob', 'job-live-2'), { app: 'mary', env: 'dev3', ref: 'main' });
    expect(released.outcome).toBe('released');
    await announce.settled();
    await page.reload();
    expect(await dev3.getAttribute('data-live')).toBe('clean');
    expect(await dev3.locator('.mark.live-drift').count()).toBe(0);
    expect(await dev3.locator('.live').innerText()).toBe('live in sync checked 0m ago');
    expect(await kubectl('get', 'service', 'mary', '-n', 'dev3', '-o', 'name')).toBe('service/mary\n');
  });

  it('decides an approval from the keyboard under the buttons\' rules: the job is queued once, a second approval is told who decided', async (ctx) => {
    const world = await webWorld(ctx, f);
    const token = TOKENS.find((t) => t.name === 'alice-ci')!.token;
    const asked = await world.server.inject({ method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'feature-x', env: 'production' }, headers: { authorization: `Bearer ${token}` } });
    const { approval } = asked.json<{ approval: { id: string; jobId: string } }>();

    // The requester sees the request but cannot approve it.
    const alice = await signedInPage(world, 'U0ALICE', 'alice', '/approvals');
    await alice.getByRole('button', { name: /^Approve deploy mary/ }).click();
    expect(await alice.getByRole('status').innerText()).toBe('alice requested this and cannot approve it: another approver must');

    const carol = await signedInPage(world, 'U0CAROL', 'carol', '/approvals');
    const stale = await carol.context().newPage();
    await stale.goto(`${world.webUrl}/approvals`);
    // From the top of the page, Tab after Tab, as a keyboard user does (the page's scripts are the browser's, none of ours).
    const focused = () => carol.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("aria-label")');
    let tabs = 0;
    while (!/^Approve deploy mary/.test((await focused()) ?? '') && tabs < 20) {
      await carol.keyboard.press('Tab');
      tabs += 1;
    }
    expect(await focused()).toMatch(/^Approve deploy mary@feature-x to production/);
    expect(await carol.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await carol.keyboard.press('Enter');
    await carol.waitForURL(`${world.webUrl}/approvals/${approval.id}`);
    expect(await carol.getByRole('status').innerText()).toMatch(/^approved: deploy mary/);
    expect(await carol.getByRole('button', { name: /^Approve deploy mary/ }).count()).toBe(0);

    await stale.getByRole('button', { name: /^Approve deploy mary/ }).click();
    expect(await stale.getByRole('status').innerText()).toMatch(/already approved by carol/i);

    expect(await world.services.approvals.get(approval.id)).toMatchObject({ state: 'approved', decidedBy: { id: 'U0CAROL', name: 'carol' } });
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(1);
    expect((await world.queue.get(approval.jobId))?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'production', sha: f.app.shas.feature, approvedBy: 'carol' });
  });
});
