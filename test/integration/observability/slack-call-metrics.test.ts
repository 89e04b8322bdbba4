// Slack calls counted through the WebClient options every process builds its clients with
// (countedSlackClient), against the Slack API stand-in: each HTTP attempt by method and outcome,
// failed ones as errors of their kind, the WebClient's own retries as retries; the notifier's
// client (no retries of its own) counts its calls only; replies to a response_url count too.
import { WebClient, retryPolicies } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { countedSlackClient, slackMethodOf, slackReplyCounter } from '../../../src/adapters/observability/slack-call-metrics.js';
import { PrometheusMetrics } from '../../../src/adapters/observability/prometheus-metrics.js';
import { postToResponseUrl } from '../../../src/adapters/slack/bot/response-url.js';
import { NOTIFIER_CLIENT_OPTIONS } from '../../../src/adapters/slack/notifier/index.js';
import { useSlackApiStandin } from '../../support/slack-api-standin.js';
import { sampleValue } from '../../support/prometheus-text.js';

const scrape = async (metrics: PrometheusMetrics) => (await metrics.text()).body;
const TOKEN = 'xoxb-metrics-test';

describe('Slack calls counted', () => {
  const slack = useSlackApiStandin();

  it('counts a 429 waited out and retried by the WebClient: the call by outcome, an error and a retry', async () => {
    const metrics = new PrometheusMetrics();
    const client = new WebClient(TOKEN, countedSlackClient(metrics, { slackApiUrl: slack.apiUrl, retryConfig: retryPolicies.rapidRetryPolicy }));
    slack.rateLimit('chat.postMessage', 1, 0);
    await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(1);
    // Each attempt timed too, beside the other systems' calls.
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'slack', operation: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'slack', operation: 'chat.postMessage', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind: 'rate_limited' })).toBe(1);
  });

  it('counts an ok: false answer as an api_error, not retried', async () => {
    const metrics = new PrometheusMetrics();
    const client = new WebClient(TOKEN, countedSlackClient(metrics, { slackApiUrl: slack.apiUrl, retryConfig: retryPolicies.rapidRetryPolicy }));
    slack.failNext('users.info', 1, 'user_not_visible');
    await expect(client.users.info({ user: 'U1' })).rejects.toThrow('user_not_visible');
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'users.info', outcome: 'api_error' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'api_error' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind: 'api_error' })).toBeUndefined();
  });

  it('counts each attempt that got no answer, and the retries between them', async () => {
    const metrics = new PrometheusMetrics();
    const url = slack.apiUrl;
    await slack.stop();
    const client = new WebClient(TOKEN, countedSlackClient(metrics, { slackApiUrl: url, retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } }));
    await expect(client.auth.test()).rejects.toThrow();
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'auth.test', outcome: 'network' })).toBe(3);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'network' })).toBe(3);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind: 'network' })).toBe(2);
  });

  it("counts the notifier's client's 429 as an error only: the notifier, not the WebClient, retries it", async () => {
    const metrics = new PrometheusMetrics();
    const client = new WebClient(TOKEN, countedSlackClient(metrics, { ...NOTIFIER_CLIENT_OPTIONS, slackApiUrl: slack.apiUrl }));
    slack.rateLimit('chat.update', 1, 5);
    await expect(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'chat.update', outcome: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_errors_total', { system: 'slack', kind: 'rate_limited' })).toBe(1);
    expect(sampleValue(text, 'nestor_external_retries_total', { system: 'slack', kind: 'rate_limited' })).toBeUndefined();
  });

  it('counts replies to a response_url, through the WebClient fetch (Bolt respond) or node http (slash commands)', async () => {
    const metrics = new PrometheusMetrics();
    const { fetch: counted } = countedSlackClient(metrics, { slackApiUrl: slack.apiUrl });
    await counted!(slack.responseUrl('a'), { method: 'POST', body: '{}' });
    const count = slackReplyCounter(metrics);
    await postToResponseUrl(slack.responseUrl('b'), { text: 'hi' }).then(() => count(0.01), (error: unknown) => count(0.01, error));
    const down = slack.responseUrl('c');
    await slack.stop();
    await postToResponseUrl(down, { text: 'hi' }).then(() => count(0.01), (error: unknown) => count(0.01, error));
    const text = await scrape(metrics);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'response_url', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'nestor_slack_calls_total', { method: 'response_url', outcome: 'network' })).toBe(1);
    // Timed too, both ways in: the WebClient's fetch and the slash commands' replies.
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'slack', operation: 'response_url', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'nestor_external_call_duration_seconds_count', { system: 'slack', operation: 'response_url', outcome: 'network' })).toBe(1);
  });

  it('names the method of a request, a closed set', () => {
    const api = 'https://slack.com/api/';
    expect(slackMethodOf(`${api}chat.postMessage`, api)).toBe('chat.postMessage');
    expect(slackMethodOf(`${api}usergroups.users.list?x=1`, api)).toBe('usergroups.users.list');
    expect(slackMethodOf(`${api}../../etc/passwd`, api)).toBe('other');
    expect(slackMethodOf('https://hooks.slack.com/commands/T1/2/x', api)).toBe('response_url');
  });
});
