// `nestor bot` and `nestor worker` refuse to start without their settings: one line naming every
// missing or invalid one (never a value), exit 2 (bad input). The bot needs no kubeconfig and reads none.
import { afterAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/core/release/deploy.js';
import { startBot } from '../../../src/main/bot.js';
import { readSettings } from '../../../src/main/bot-settings.js';
import { nestorLogger } from '../../../src/main/logger.js';
import { runCli } from '../../support/cli-run.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { redisUrl } from '../../support/redis.js';
import { CLUSTERS, releaseFixture } from '../../support/release-fixture.js';
import { startSlackApiStandin } from '../../support/slack-api-standin.js';
import { sendToSlackReceiver, sign, slashCommandBody } from '../../support/slack-signing.js';

afterAll(() => cleanupFixtures());

describe('nestor bot settings', () => {
  it('exits 2 with one line naming every missing setting', async () => {
    const cwd = tempDir('nestor-bot-');
    const run = await runCli(['bot'], { cwd, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('nestor bot: missing SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, REDIS_URL, NESTOR_CONFIG, NESTOR_HISTORY\n');
  });

  it('names invalid values without repeating them', async () => {
    const cwd = tempDir('nestor-bot-');
    const env = { SLACK_SIGNING_SECRET: 's3cr3t', SLACK_BOT_TOKEN: 'xoxp-user-token', REDIS_URL: 'http://u:pw@x', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd, KUBECONFIG: '/nope', PORT: 'eighty' };
    const run = await runCli(['bot'], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('invalid SLACK_BOT_TOKEN (expected a token starting with xoxb-), REDIS_URL (expected a redis: or rediss: URL), PORT');
    expect(run.stderr).not.toContain('KUBECONFIG');
    expect(run.stderr).not.toContain('pw');
    expect(run.stderr).not.toContain('xoxp-user-token');
  });

  it('accepts a complete environment, SLACK_API_URL given a trailing slash', () => {
    const cwd = tempDir('nestor-bot-');
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, NESTOR_HISTORY: '.', SLACK_API_URL: 'http://127.0.0.1:9/api', PORT: '0' };
    const read = readSettings('bot', env, cwd);
    expect(read).toMatchObject({ ok: true, settings: { port: 0, slackApiUrl: 'http://127.0.0.1:9/api/', configDir: cwd, history: cwd } });
  });

  it('needs NESTOR_HISTORY for bot and worker, else each process keeps a history no other sees', () => {
    const cwd = tempDir('nestor-bot-');
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, KUBECONFIG: cwd };
    expect(readSettings('bot', env, cwd)).toEqual({ ok: false, line: 'nestor bot: missing NESTOR_HISTORY' });
    expect(readSettings('worker', env, cwd)).toEqual({ ok: false, line: 'nestor worker: missing NESTOR_HISTORY' });
    expect(readSettings('worker', { ...env, NESTOR_HISTORY: 'nope' }, cwd)).toEqual({ ok: false, line: 'nestor worker: invalid NESTOR_HISTORY (no such folder, nor a repository URL)' });
    const url = 'git@github.com:acme/nestor-history.git';
    expect(readSettings('worker', { ...env, NESTOR_HISTORY: url }, cwd)).toMatchObject({ ok: true, settings: { history: url } });
  });

  it('exits 2 for `nestor worker` too, without asking for a signing secret', async () => {
    const cwd = tempDir('nestor-worker-');
    const run = await runCli(['worker'], { cwd, env: { KUBECONFIG: cwd } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('nestor worker: missing SLACK_BOT_TOKEN, REDIS_URL, NESTOR_CONFIG, NESTOR_HISTORY\n');
  });

  it('the worker needs its kubeconfig', async () => {
    const cwd = tempDir('nestor-worker-');
    const run = await runCli(['worker'], { cwd, env: { SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd, KUBECONFIG: '/nonexistent/kubeconfig' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('nestor worker: invalid KUBECONFIG (no such file)\n');
  });
});

describe('nestor bot without a kubeconfig', () => {
  it('starts, never reads KUBECONFIG (even one that works), and answers status from the history without replica counts', async (ctx) => {
    const f = await releaseFixture();
    ctx.onTestFinished(() => f.close());
    await deploy(f.deps, f.ctx('alice'), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    const slack = await startSlackApiStandin();
    ctx.onTestFinished(() => slack.stop());
    const env = {
      SLACK_SIGNING_SECRET: 'bot-secret', SLACK_BOT_TOKEN: 'xoxb-bot', REDIS_URL: redisUrl(), SLACK_API_URL: slack.apiUrl, PORT: '0',
      NESTOR_CONFIG: f.configDir, NESTOR_HISTORY: f.historyRemote, NESTOR_STATE: tempDir('nestor-bot-state-'),
      // The simulator's: a bot reading it would show mary's replicas ready.
      KUBECONFIG: await f.sim.writeKubeconfig(tempDir('nestor-bot-kube-'), CLUSTERS),
    };
    const read = readSettings('bot', env, f.configDir);
    if (!read.ok) throw new Error(read.line);
    expect(read.settings.kubeconfig).toBeUndefined();
    expect(readSettings('bot', { ...env, KUBECONFIG: '/nonexistent/kubeconfig' }, f.configDir).ok).toBe(true);
    const bot = await startBot(read.settings, env, f.configDir, nestorLogger('nestor-bot-test', { level: 'silent' }));
    ctx.onTestFinished(() => bot.close());

    const body = slashCommandBody({ text: 'status mary dev3', responseUrl: slack.responseUrl('status') });
    const ack = await sendToSlackReceiver(`http://127.0.0.1:${bot.port}/slack/events`, sign('bot-secret', body));
    expect(ack.status).toBe(200);
    const answer = JSON.stringify(await slack.waitForCall('response_url', (c) => c.args['id'] === 'status'));
    expect(answer).toContain(`dev3: feature-x ${f.app.shas.feature.slice(0, 7)}`);
    expect(answer).not.toContain('ready');
  });
});
