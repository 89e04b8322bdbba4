// The real `nestor bot` process counts its own Slack calls on /metrics: after a signed slash
// command, the user group lookup the stand-in answered 429 (Retry-After 1 s) and the bot's
// WebClient retried, Bolt's auth.test, the readiness auth.test, and the reply to the
// command's response_url, each by method and outcome, the 429 also as an error and a retry.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { processWorld, SIGNING_SECRET } from '../../support/nestor-processes.js';
import { sampleValue } from '../../support/prometheus-text.js';
import { sendToSlackReceiver, signedSlashCommand } from '../../support/slack-signing.js';

afterAll(cleanupFixtures);

describe('nestor bot metrics', () => {
  it("counts the bot's Slack calls by method and outcome, and the WebClient's retry of a 429", async (ctx) => {
    const world = await processWorld(ctx);
    world.slack.rateLimit('usergroups.list', 1, 1);
    const bot = world.start('bot');
    const { port } = await bot.log('bot started');
    const { healthPort } = await bot.log('operations endpoints started');
    const metricsUrl = `http://127.0.0.1:${String(healthPort)}/metrics`;
    await eventually('the bot to be ready', async () => (await fetch(`http://127.0.0.1:${String(healthPort)}/readyz`)).status === 200, 30_000, 50);

    const ack = await sendToSlackReceiver(`http://127.0.0.1:${String(port)}/slack/events`, signedSlashCommand(SIGNING_SECRET, {
      text: 'deploy mary feature-x dev3', triggerId: 'T.metrics', responseUrl: world.slack.responseUrl('T.metrics'),
    }));
    expect(ack.status).toBe(200);
    await world.slack.waitForCall('response_url');

    // The reply is counted once its answer is read: the scrape that shows it shows the rest.
    const text = await eventually('the reply to be counted', async () => {
      const scraped = await (await fetch(metricsUrl)).text();
      return sampleValue(scraped, 'nestor_slack_calls_total', { method: 'response_url', outcome: 'ok' }) === 1 ? scraped : undefined;
    }, 30_000, 50);
    expect(world.slack.callsOf('usergroups.list').map((c) => c.status)).toEqual([429, 200]);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'usergroups.list', outcome: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'usergroups.list', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind: 'rate_limited' })).toBe(1);
    // The readiness check's and Bolt's own (it asks who the bot is on its first event).
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'auth.test', outcome: 'ok' })).toBe(world.slack.callsOf('auth.test').length);
    expect(world.slack.callsOf('auth.test').length).toBeGreaterThanOrEqual(2);
    // Each attempt timed as well, the slash command's reply to its response_url too.
    const timed = (operation: string, outcome: string) => sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'slack', operation, outcome });
    expect(timed('response_url', 'ok')).toBe(1);
    expect(timed('usergroups.list', 'rate_limited')).toBe(1);
    expect(timed('usergroups.list', 'ok')).toBe(1);
  }, 300_000);
});
