// `nestor bot` and `nestor worker` refuse to start without their settings: one line naming every
// missing or invalid one (never a value), exit 1.
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../../src/main/bot-settings.js';
import { runCli } from '../../support/cli-run.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

afterAll(() => cleanupFixtures());

describe('nestor bot settings', () => {
  it('exits 1 with one line naming every missing setting', async () => {
    const cwd = tempDir('nestor-bot-');
    const run = await runCli(['bot'], { cwd, env: { KUBECONFIG: cwd } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('nestor bot: missing SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, REDIS_URL, NESTOR_CONFIG\n');
  });

  it('names invalid values without repeating them', async () => {
    const cwd = tempDir('nestor-bot-');
    const env = { SLACK_SIGNING_SECRET: 's3cr3t', SLACK_BOT_TOKEN: 'xoxp-user-token', REDIS_URL: 'http://u:pw@x', NESTOR_CONFIG: cwd, KUBECONFIG: '/nope', PORT: 'eighty' };
    const run = await runCli(['bot'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('invalid SLACK_BOT_TOKEN (expected a token starting with xoxb-), REDIS_URL (expected a redis: or rediss: URL), KUBECONFIG (no such file), PORT');
    expect(run.stderr).not.toContain('pw');
    expect(run.stderr).not.toContain('xoxp-user-token');
  });

  it('accepts a complete environment, SLACK_API_URL given a trailing slash', () => {
    const cwd = tempDir('nestor-bot-');
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, KUBECONFIG: cwd, SLACK_API_URL: 'http://127.0.0.1:9/api', PORT: '0' };
    const read = readSettings('bot', env, cwd);
    expect(read).toMatchObject({ ok: true, settings: { port: 0, slackApiUrl: 'http://127.0.0.1:9/api/', configDir: cwd } });
  });

  it('exits 1 for `nestor worker` too, without asking for a signing secret', async () => {
    const cwd = tempDir('nestor-worker-');
    const run = await runCli(['worker'], { cwd, env: { KUBECONFIG: cwd } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('nestor worker: missing SLACK_BOT_TOKEN, REDIS_URL, NESTOR_CONFIG\n');
  });
});
