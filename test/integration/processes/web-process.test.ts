// The web view of a real `nestor api` process, set up by its environment only: a visitor is sent
// to sign in with Slack (the OIDC stand-in), comes back signed in, and reads the pages; the
// settings are refused in one line when the view is asked for without its sign-in settings, and
// no secret (client secret, session secret, authorization code) is logged.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { runCli } from '../../support/cli-run.js';
import { processWorld } from '../../support/nestor-processes.js';
import { freePort } from '../../support/redis-server.js';
import { OIDC_CLIENT, SlackOidcStandin } from '../../support/slack-oidc-standin.js';
import { cookiesOf } from '../../support/web-world.js';

afterAll(cleanupFixtures);

const SESSION_SECRET = 'process-test-session-secret-0123456789abcdef';
const TOKENS = JSON.stringify([{ name: 'ci', token: 'process-test-api-token-0123456789', environments: ['dev3'], actions: ['read'] }]);

describe('nestor api process: the web view', () => {
  it('sends a visitor to sign in with Slack and back, then serves the pages and the board', async (ctx) => {
    const world = await processWorld(ctx);
    const oidc = await SlackOidcStandin.start();
    ctx.onTestFinished(() => oidc.close());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = world.start('api', {
      PORT: String(port), NESTOR_API_TOKENS: TOKENS, NESTOR_WEB_URL: base, NESTOR_WEB_OIDC_ISSUER: oidc.issuer,
      NESTOR_WEB_OIDC_CLIENT_ID: OIDC_CLIENT.id, NESTOR_WEB_OIDC_CLIENT_SECRET: OIDC_CLIENT.secret, NESTOR_WEB_SESSION_SECRET: SESSION_SECRET,
    });
    expect(await api.log('api started')).toMatchObject({ port, web: base });
    const first = await fetch(`${base}/`, { redirect: 'manual' });
    expect([first.status, first.headers.get('location')]).toEqual([302, '/auth/login?next=%2F']);

    oidc.signInAs('U0CAROL', 'carol');
    const login = await fetch(`${base}/auth/login?next=%2F`, { redirect: 'manual' });
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie: cookiesOf(login).join('; ') } });
    expect([callback.status, callback.headers.get('location')]).toEqual([302, '/']);
    const cookie = cookiesOf(callback).join('; ');
    for (const path of ['/', '/approvals', '/queue', '/apps/mary/dev3', '/queues/']) {
      const page = await fetch(`${base}${path}`, { headers: { cookie } });
      expect([path, page.status]).toEqual([path, 200]);
    }
    expect(await (await fetch(`${base}/`, { headers: { cookie } })).text()).toContain('<th scope="row">mary</th>');
    await api.log('web sign-in');
    const logged = JSON.stringify(api.logs) + api.stderr();
    for (const secret of [OIDC_CLIENT.secret, SESSION_SECRET, code]) expect(logged).not.toContain(secret);
  }, 240_000);

  it('refuses to start with the view asked for but its sign-in settings missing or wrong, in one line', async () => {
    const cwd = tempDir('nestor-web-');
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd, NESTOR_API_TOKENS: TOKENS, NESTOR_WEB_URL: 'https://nestor.example.com', NESTOR_WEB_SESSION_SECRET: 'short' };
    const refused = await runCli(['api'], { cwd, env });
    expect([refused.code, refused.stderr]).toEqual([2, 'nestor api: missing NESTOR_WEB_OIDC_CLIENT_ID, NESTOR_WEB_OIDC_CLIENT_SECRET; invalid NESTOR_WEB_SESSION_SECRET (expected at least 32 characters)\n']);
  });
});
