// The web view in headless Chromium (Debian's chromium driven by playwright-core): signing in
// with Slack through the OIDC stand-in by following the redirects, the matrix rendered with a
// drifted app and a config out of sync marked, and an approval reached by keyboard and decided on the page, its job
// queued exactly once though a second, stale page approves it again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { TOKENS } from '../../support/api-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
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
