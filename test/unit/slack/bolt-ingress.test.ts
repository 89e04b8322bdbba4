// A minimal real Bolt app (HTTPReceiver on a free port, its WebClient pointed at the Slack API
// stand-in) fed signed, forged and stale requests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackApiStandin, type SlackApiStandin } from '../../support/slack-api-standin.js';
import { asRetry, forged, sendToSlackReceiver, signedBlockAction, signedSlashCommand, slashCommandBody, stale } from '../../support/slack-signing.js';

const SECRET = 'test-signing-secret';
const TOKEN = 'xoxb-test-token';

let slack: SlackApiStandin;
let app: App;
let url: string;
let commands: string[];
let clicks: string[];

beforeEach(async () => {
  slack = await startSlackApiStandin();
  commands = [];
  clicks = [];
  app = new App({ signingSecret: SECRET, token: TOKEN, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.apiUrl } });
  app.command('/nestor', async ({ ack, command }) => {
    commands.push(command.text);
    await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
  });
  app.action('nestor_approval_approve', async ({ ack, body }) => {
    clicks.push(body.user.id);
    await ack();
  });
  const server = (await app.start(0)) as Server;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterEach(async () => {
  await app.stop();
  await slack.stop();
});

describe('Bolt HTTP receiver fed signed requests', () => {
  it('acknowledges a signed slash command with 200 and runs the handler', async () => {
    const response = await sendToSlackReceiver(url, signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev3' }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ response_type: 'ephemeral', text: 'got deploy mary feature-x dev3' });
    expect(commands).toEqual(['deploy mary feature-x dev3']);
  });

  it('verifies the bot token against the stand-in (auth.test) with the token', async () => {
    await sendToSlackReceiver(url, signedSlashCommand(SECRET, { text: 'envs' }));
    const auth = await slack.waitForCall('auth.test');
    expect(auth.token).toBe(TOKEN);
  });

  it('refuses a forged signature with 401; the handler never runs', async () => {
    const response = await sendToSlackReceiver(url, forged(signedSlashCommand(SECRET, { text: 'deploy mary main production' })));
    expect(response.status).toBe(401);
    expect(commands).toEqual([]);
  });

  it('refuses a correctly signed request older than 5 minutes with 401', async () => {
    const response = await sendToSlackReceiver(url, stale(SECRET, slashCommandBody({ text: 'deploy mary main production' })));
    expect(response.status).toBe(401);
    expect(commands).toEqual([]);
  });

  it('refuses a body altered after signing with 401', async () => {
    const signed = signedSlashCommand(SECRET, { text: 'deploy mary main dev3' });
    const response = await sendToSlackReceiver(url, { ...signed, body: signed.body.replace('dev3', 'production') });
    expect(response.status).toBe(401);
    expect(commands).toEqual([]);
  });

  it('accepts a signed button click (block_actions)', async () => {
    const response = await sendToSlackReceiver(url, signedBlockAction(SECRET, { actionId: 'nestor_approval_approve', value: 'apr-7', user: { id: 'U0CAROL', name: 'carol' } }));
    expect(response.status).toBe(200);
    expect(clicks).toEqual(['U0CAROL']);
  });

  it('builds Slack retries with the retry headers (deduplication is the listener’s job)', () => {
    const retry = asRetry(signedSlashCommand(SECRET, { text: 'envs' }), 2);
    expect(retry.headers).toMatchObject({ 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
  });
});
