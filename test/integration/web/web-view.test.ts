// The web view of `nestor api` over real parts (git history, BullMQ and approvals on Redis, the
// Slack API stand-in) and a local OIDC provider, through real HTTP: nothing is shown before
// signing in with Slack, a forged or foreign sign-in is refused, the pages render what the
// history and the queue hold, approvals are decided under the buttons' rules, once.
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
    await expect(world.signIn('U0MALLORY', 'mallory', 'T0OTHER')).rejects.toThrow(/403 .*another Slack workspace/);
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
    const cellOf = (env: string) => new RegExp(`<td data-app="mary" data-env="${env}" data-state="([a-z]+)">(.*?)</td>`).exec(matrix);
    expect(cellOf('dev3')?.[1]).toBe('drift');
    expect(cellOf('dev3')?.[2]).toContain(f.app.shas.feature.slice(0, 7));
    expect(cellOf('staging')?.[1]).toBe('ok');
    expect(cellOf('staging')?.[2]).toContain(f.app.shas.second.slice(0, 7));
    expect(matrix).toContain('follows staging');
    expect(cellOf('dev3')?.[2]).not.toContain('config out of sync');

    // dev3's own config changes: dev3 is out of sync with its release, staging is not.
    const project = join(f.configDir, 'dev3', 'project.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('memory: 200Mi', 'memory: 300Mi'));
    const changed = await (await get(world, '/', cookie)).text();
    const changedCell = (env: string) => new RegExp(`<td data-app="mary" data-env="${env}" data-state="[a-z]+">(.*?)</td>`).exec(changed)?.[1];
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
