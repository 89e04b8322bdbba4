import { LogLevel, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBlockKit } from '../../../src/adapters/slack/block-kit.js';
import { startSlackApiStandin, type SlackApiStandin } from '../../support/slack-api-standin.js';
import { SAMPLES } from './sample-messages.js';

const { WebClient } = webApi;
const TOKEN = 'xoxb-test-token';
let slack: SlackApiStandin;

beforeEach(async () => {
  slack = await startSlackApiStandin({ users: { U0ALICE: { name: 'alice', real_name: 'Alice A.' } }, channelMembers: { C0DEPLOYS: ['U0ALICE', 'U0BOB'] } });
});
afterEach(async () => {
  await slack.stop();
});

const client = (token = TOKEN) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 }, logLevel: LogLevel.ERROR });

describe('Slack Web API stand-in, driven by a real WebClient', () => {
  it('answers the methods Nestor uses and records every call with its arguments', async () => {
    const web = client();
    expect(await web.auth.test()).toMatchObject({ ok: true, user_id: 'U0NESTOR', team_id: 'T0NESTOR' });
    const { text, blocks } = toBlockKit(SAMPLES['progress-running']!);
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text, blocks });
    expect(posted).toMatchObject({ ok: true, channel: 'C0DEPLOYS' });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const updated = await web.chat.update({ channel: 'C0DEPLOYS', ts: posted.ts!, text: 'done', blocks: toBlockKit(SAMPLES['progress-done']!).blocks });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts });
    expect(await web.chat.postEphemeral({ channel: 'C0DEPLOYS', user: 'U0ALICE', text: 'only you' })).toMatchObject({ ok: true });
    expect(await web.users.info({ user: 'U0ALICE' })).toMatchObject({ ok: true, user: { name: 'alice', real_name: 'Alice A.' } });
    expect(await web.conversations.members({ channel: 'C0DEPLOYS' })).toMatchObject({ members: ['U0ALICE', 'U0BOB'] });

    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test', 'chat.postMessage', 'chat.update', 'chat.postEphemeral', 'users.info', 'conversations.members']);
    const post = slack.callsOf('chat.postMessage')[0]!;
    expect(post.token).toBe(TOKEN);
    expect(post.args).toMatchObject({ channel: 'C0DEPLOYS', text });
    expect(post.args['blocks']).toEqual(JSON.parse(JSON.stringify(blocks)));
  });

  it('answers Slack errors as Slack does', async () => {
    await expect(client('xoxp-wrong').auth.test()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    await expect(client().users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await expect(client().apiCall('files.upload', {})).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('answers 429 with Retry-After; WebClient waits that long and retries', async () => {
    slack.rateLimit('chat.update', 1, 1);
    const web = client();
    const limited: number[] = [];
    web.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => limited.push(seconds));
    const result = await web.chat.update({ channel: 'C0DEPLOYS', ts: '1714557601.000001', text: 'edited' });
    expect(result.ok).toBe(true);
    const calls = slack.callsOf('chat.update');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(limited).toEqual([1]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('rejects at once when the client is told to reject rate-limited calls', async () => {
    slack.rateLimit('chat.postMessage', 1, 30);
    const web = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
    await expect(web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 });
  });

  it('records what is posted to a response_url', async () => {
    const url = slack.responseUrl('cmd-1');
    const waiting = slack.waitForCall('response_url', (c) => c.args['id'] === 'cmd-1');
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', text: 'queued as job 1' }) });
    expect((await waiting).args).toMatchObject({ text: 'queued as job 1', response_type: 'ephemeral' });
  });
});
