// The web view of `nestor api` over real parts (git history, BullMQ and approvals on Redis, the
// Slack API stand-in) and a local OIDC provider, through real HTTP: nothing is shown before
// signing in with Slack, a forged or foreign sign-in is refused, the pages render what the
// history and the queue hold, approvals are decided under the buttons' rules, once; the view's
// errors come back to a browser as a small page with their status, and as JSON to anything else.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';
import { cookiesOf, webWorld, type WebWorld } from '../../support/web-world.js';
import { deployJob } from '../../support/job-fixtures.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const get = (world: WebWorld, path: string, cookie?: string) => fetch(`${world.webUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('web view: sign-in with Slack', () => {
  it('sends a visitor without a session to sign in, pages and board alike, and back to the page after', async (ctx) => {
    const world = await webWorld(ctx, f);
    for (const path of ['/', '/approvals', '/queue', '/apps/mary/dev3', '/queues/']) {
      const answer = await get(world, path);
      expect([path, answer.status, answer.headers.get('location')]).toEqual([path, 302, `/auth/login?next=${encodeURIComponent(path)}`]);
    }
    world.oidc.signInAs('U0CAROL', 'carol');
    const login = await get(world, '/auth/login?next=%2Fqueue');
    expect(login.headers.get('location')).toMatch(new RegExp(`^${world.oidc.issuer}/openid/connect/authorize\\?`));
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie: cookiesOf(login).join('; ') } });
    expect([callback.status, callback.headers.get('location')]).toEqual([302, '/queue']);
    const session = callback.headers.getSetCookie().find((c) => c.startsWith('nestor_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const page = await get(world, '/queue', cookiesOf(callback).join('; '));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as carol');
  });

  it('refuses a callback without the sign-in cookie, a replayed code, a forged session and another workspace', async (ctx) => {
    const world = await webWorld(ctx, f);
    world.oidc.signInAs('U0CAROL', 'carol');
    const login = await get(world, '/auth/login');
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const back = authorize.headers.get('location')!;
    expect((await fetch(back, { redirect: 'manual' })).status).toBe(400);
    // The code was spent by nobody yet: the stand-in refuses it once used, and a state that is not ours is refused before.
    const stranger = await get(world, '/auth/login');
    expect((await fetch(back, { redirect: 'manual', headers: { cookie: cookiesOf(stranger).join('; ') } })).status).toBe(401);
    expect(world.oidc.tokenRequests).toEqual([]);
    const cookie = await world.signIn('U0CAROL', 'carol');
    const forged = cookie.replace(/nestor_session=([^.;]*)/, (_m, value: string) => `nestor_session=${Buffer.from(JSON.stringify({ id: 'U0BOSS', name: 'boss', csrf: 'x', expires: Date.now() + 1e9 })).toString('base64url')}${value.slice(value.length)}`);
    expect((await get(world, '/', forged)).status).toBe(302);
    await expect(world.signIn('U0MALLORY', 'mallory', 'T0OTHER')).rejects.toThrow(/403 [\s\S]*another Slack workspace/);
    expect(JSON.stringify(world.logs)).not.toContain('web-test-client-secret');
  });
});

describe('web view: pages', () => {
  it('shows every environment × app with its version, a drifted app marked; an app\'s releases and their diff; the queue', async (ctx) => {
    const world = await webWorld(ctx, f);
    // dev3 follows staging's versions (release.version_sync in the example config).
    await deploy(f.deps, f.ctx('alice', 'job-web-1'), { app: 'mary', env: 'staging', ref: 'main' });
    await deploy(f.deps, f.ctx('bob', 'job-web-2'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    await deploy(f.deps, f.ctx('bob', 'job-web-3'), { app: 'mary', env: 'dev3', ref: 'main' });
    await deploy(f.deps, f.ctx('bob', 'job-web-4'), { app: 'mary', env: 'dev3', ref: 'feature-x' });
    const cookie = await world.signIn('U0CAROL', 'carol');
    const matrix = await (await get(world, '/', cookie)).text();
    const cellOf = (env: string) => new RegExp(`<td data-app="mary" data-env="${env}" data-state="([a-z]+)"[^>]*>(.*?)</td>`).exec(matrix);
    expect(cellOf('dev3')?.[1]).toBe('drift');
    expect(cellOf('dev3')?.[2]).toContain(f.app.shas.feature.slice(0, 7));
    expect(cellOf('staging')?.[1]).toBe('ok');
    expect(cellOf('staging')?.[2]).toContain(f.app.shas.second.slice(0, 7));
    expect(matrix).toContain('follows staging');
    expect(cellOf('dev3')?.[2]).not.toContain('config out of sync');
    // No worker has read dev3's cluster (these deploys ran in the test, not in a worker).
    expect(cellOf('dev3')?.[2]).toContain('<div class="live meta">live: not checked</div>');

    // dev3's own config changes: dev3 is out of sync with its release, staging is not.
    const project = join(f.configDir, 'dev3', 'project.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('memory: 200Mi', 'memory: 300Mi'));
    const changed = await (await get(world, '/', cookie)).text();
    const changedCell = (env: string) => new RegExp(`<td data-app="mary" data-env="${env}" data-state="[a-z]+"[^>]*>(.*?)</td>`).exec(changed)?.[1];
    expect(changedCell('dev3')).toContain('<span class="mark out" title="the config changed since this release: a config sync would release it again">config out of sync</span>');
    expect(changedCell('staging')).not.toContain('config out of sync');

    const app = await (await get(world, '/apps/mary/dev3', cookie)).text();
    expect(app.match(/<tr><td>/g)).toHaveLength(3);
    expect(app).toContain('id="diff"');
    expect(app).toMatch(/^-.*image: .*:[0-9a-f]{40}$/m);

    await world.queue.enqueue(deployJob({ app: 'mary', env: 'staging', ref: 'main', user: 'dave' }), { idempotencyKey: 'web-queued-1' });
    const queue = await (await get(world, '/queue', cookie)).text();
    expect(queue).toMatch(/<table id="jobs-waiting">.*<code>web-queued-1<\/code><\/th><td>deploy mary@main to staging<\/td><td>mary \/ staging<\/td><td>dave<\/td>/s);
    const board = await get(world, '/queues/', cookie);
    expect(board.status).toBe(200);
  });
});

describe('web view: forms and input', () => {
  it('refuses a decision posted without the session\'s CSRF value, and an open redirect after sign-in; nothing decided', async (ctx) => {
    const world = await webWorld(ctx, f);
    const token = 'alice-ci-token-0123456789abcdef';
    const asked = await world.server.inject({ method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'feature-x', env: 'production' }, headers: { authorization: `Bearer ${token}` } });
    const { approval } = asked.json<{ approval: { id: string } }>();
    const cookie = await world.signIn('U0CAROL', 'carol');
    const post = (body: string, headers: Record<string, string> = { cookie }) => fetch(`${world.webUrl}/approvals/${approval.id}`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body,
    });
    expect((await post('action=approve')).status).toBe(403);
    expect((await post('action=approve&csrf=forged-value-of-someone')).status).toBe(403);
    expect((await post('action=approve', {})).status).toBe(401);
    expect(await world.services.approvals.get(approval.id)).toMatchObject({ state: 'pending' });
    expect(await world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);

    const login = await get(world, '/auth/login?next=//evil.example.com/');
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie: cookiesOf(login).join('; ') } });
    expect(callback.headers.get('location')).toBe('/');
  });

  it('answers 400 for an app or environment that is not a name, and escapes what it shows', async (ctx) => {
    const world = await webWorld(ctx, f);
    const cookie = await world.signIn('U0CAROL', '<b>carol</b>');
    expect((await get(world, '/apps/..%2Fx/dev3', cookie)).status).toBe(400);
    const page = await (await get(world, '/queue', cookie)).text();
    expect(page).toContain('Signed in as &lt;b&gt;carol&lt;/b&gt;');
    expect(page).not.toContain('<b>carol</b>');
  });
});

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** The page's heading, its alert line and its advice, or a failure when the answer is not a page. */
async function errorPageOf(answer: Response): Promise<{ status: number; title: string; alert: string; todo: string; link: string }> {
  expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const text = await answer.text();
  expect(text).toMatch(/^<!doctype html>\n<html lang="en">/);
  const [, title = '', alert = '', todo = '', link = ''] = /<h1>(.*?)<\/h1>\n<p role="alert">(.*?)<\/p>\n<p>(.*?)<\/p>\n<p><a href="([^"]*)">/.exec(text) ?? [];
  return { status: answer.status, title, alert, todo, link };
}

describe('web view: error pages', () => {
  it('an invalid config, a page that fails and an unknown address: a page to a browser, JSON to the API and to other clients', async (ctx) => {
    const secret = 'https://x-access-token:ghs_0123456789@github.example.com';
    const failing = Object.assign(Object.create(f.history) as typeof f.history, { list: () => Promise.reject(new Error(`git exited 128: could not read from ${secret}`)) });
    const world = await webWorld(ctx, f, { history: failing });
    const cookie = await world.signIn('U0CAROL', 'carol');
    const browse = (path: string) => fetch(`${world.webUrl}${path}`, { redirect: 'manual', headers: { cookie, ...BROWSER } });

    expect(await errorPageOf(await browse('/nowhere?x=1'))).toEqual({
      status: 404, title: 'Not found', alert: 'no route GET /nowhere', todo: 'Check the address, or start from the environments.', link: '/',
    });
    const internal = await browse('/apps/mary/dev3');
    expect(await errorPageOf(internal.clone())).toEqual({
      status: 500, title: 'Internal error', alert: 'Something went wrong in Nestor.', todo: 'Try again; if it goes on, whoever runs Nestor finds the detail in the API log.', link: '/',
    });
    expect(await internal.text()).not.toMatch(/ghs_|git exited|at .*\.ts:\d+/);
    expect(await errorPageOf(await browse('/apps/..%2Fx/dev3'))).toMatchObject({ status: 400, alert: expect.stringMatching(/^The address names no app and environment/) });

    const project = join(f.configDir, 'dev3', 'project.yaml');
    writeFileSync(project, `${readFileSync(project, 'utf8')}\nnot_a_key: true\n`);
    const invalid = await errorPageOf(await browse('/'));
    expect(invalid).toMatchObject({ status: 422, title: 'Config invalid', todo: 'Fix nestor-config where it says, then reload this page.' });
    expect(invalid.alert).toMatch(/dev3\/project\.yaml:\d+:\d+: .*not_a_key/);

    // Not asking for HTML (curl, scripts): the API's JSON line, as the API routes always answer.
    const json = await fetch(`${world.webUrl}/`, { headers: { cookie, accept: '*/*' } });
    expect([json.status, (await json.json() as { error: string }).error]).toEqual([422, expect.stringMatching(/dev3\/project\.yaml/)]);
    const api = await fetch(`${world.webUrl}/api/v1/nowhere`, { headers: BROWSER });
    expect([api.status, api.headers.get('content-type'), await api.json()]).toEqual([404, 'application/json; charset=utf-8', { error: 'no route GET /api/v1/nowhere' }]);
    expect(JSON.stringify(world.logs)).not.toContain(cookie.split('=')[1]);
  });

  it('not signed in, a stale form, another workspace: pages that say what was refused and how to get in', async (ctx) => {
    const world = await webWorld(ctx, f);
    const post = (headers: Record<string, string>) => fetch(`${world.webUrl}/approvals/some-request`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...BROWSER, ...headers }, body: 'action=approve',
    });
    expect(await errorPageOf(await post({}))).toEqual({
      status: 401, title: 'Not signed in', alert: 'You are not signed in (or your session ended): nothing was done.', todo: 'Sign in with Slack, then try again.', link: '/auth/login',
    });
    const cookie = await world.signIn('U0CAROL', 'carol');
    expect(await errorPageOf(await post({ cookie }))).toMatchObject({ status: 403, title: 'Refused', todo: 'Go back, reload the page and try again.' });

    world.oidc.signInAs('U0MALLORY', 'mallory', 'T0OTHER');
    const login = await fetch(`${world.webUrl}/auth/login`, { redirect: 'manual', headers: BROWSER });
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie: cookiesOf(login).join('; '), ...BROWSER } });
    expect(await errorPageOf(callback)).toEqual({
      status: 403, title: 'Refused', alert: 'You signed in with another Slack workspace than Nestor’s.', todo: 'Sign in with an account of Nestor’s Slack workspace.', link: '/auth/login',
    });
  });

  it('Slack\'s sign-in out of reach: a page saying so and what to do, the issuer named in the log only', async (ctx) => {
    const world = await webWorld(ctx, f);
    await world.oidc.close();
    const login = await fetch(`${world.webUrl}/auth/login?next=%2F`, { redirect: 'manual', headers: BROWSER });
    expect(await errorPageOf(login)).toEqual({
      status: 503, title: 'Unavailable', alert: 'Slack’s sign-in (the OpenID Connect issuer) could not be reached.',
      todo: 'Try again in a minute; if it goes on, whoever runs Nestor checks NESTOR_WEB_OIDC_ISSUER and the way out to it.', link: '/auth/login',
    });
    expect(world.logs.find((l) => l['msg'] === 'web sign-in: the OpenID Connect issuer could not be reached')).toMatchObject({ issuer: world.oidc.issuer });
  });
});
