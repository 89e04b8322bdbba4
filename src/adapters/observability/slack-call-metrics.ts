// Every Slack call of a process counted the same way, whichever WebClient makes it (Bolt's and
// the clients it makes per event, the people and teams lookups, auth.test, the worker's
// notifier): WebClient options whose fetch counts each HTTP attempt by method and outcome (a
// failed one also as an error of its kind), and whose own retries (Bolt's clients wait out a 429's
// Retry-After, and retry 5xx and network failures) are counted as retries. Bolt's respond()
// posts to response_url through the same fetch.
import { performance } from 'node:perf_hooks';
import type { RetryOptions, WebClientOptions } from '@slack/web-api';
// Its module object: Node's ESM sees no named export `retryPolicies` in this CommonJS package.
import slackWebApi from '@slack/web-api';
import { ExternalSystem, SlackCallOutcome, type Metrics } from '../../core/ports/metrics.js';
import { httpFailureKind } from './external-metrics.js';

const SLACK_API_URL = 'https://slack.com/api/';
/** A method name as Slack spells them (chat.postMessage): anything else is `other`, so the label stays a closed set. */
const METHOD = /^[a-z]+(\.[A-Za-z]+)+$/;

/** The method of a request to `url`: the Web API method under `apiUrl`, else `response_url`. */
export function slackMethodOf(url: string, apiUrl: string): string {
  if (!url.startsWith(apiUrl)) return 'response_url';
  const method = url.slice(apiUrl.length).split(/[?#]/)[0] ?? '';
  return METHOD.test(method) ? method : 'other';
}

const urlOf = (input: Parameters<typeof fetch>[0]): string => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

async function outcomeOf(response: Response, method: string): Promise<SlackCallOutcome> {
  if (response.status === 429) return SlackCallOutcome.RateLimited;
  if (response.status >= 500) return SlackCallOutcome.Server;
  if (response.status < 200 || response.status >= 300) return SlackCallOutcome.Client;
  // The Web API says a refusal in the body of a 200; a response_url's answer says nothing more.
  if (method === 'response_url' || !response.headers.get('content-type')?.includes('json')) return SlackCallOutcome.Ok;
  const body = (await response.clone().json().catch(() => ({ ok: true }))) as { ok?: unknown };
  return body.ok === false ? SlackCallOutcome.ApiError : SlackCallOutcome.Ok;
}

function countCall(metrics: Metrics, method: string, outcome: SlackCallOutcome, seconds: number): void {
  metrics.slackCall(method, outcome);
  metrics.externalCall(ExternalSystem.Slack, method, outcome, seconds);
  if (outcome !== SlackCallOutcome.Ok) metrics.externalError(ExternalSystem.Slack, outcome);
}

/** A fetch for a WebClient (or Bolt's respond) that counts each request it sends to Slack. */
export function slackCallCounter(metrics: Metrics, apiUrl: string = SLACK_API_URL, fetchFn: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const method = slackMethodOf(urlOf(input), apiUrl);
    const start = performance.now();
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      countCall(metrics, method, SlackCallOutcome.Network, (performance.now() - start) / 1000);
      throw error;
    }
    const outcome = await outcomeOf(response, method);
    countCall(metrics, method, outcome, (performance.now() - start) / 1000);
    return response;
  };
}

/** For the bot's replies to a slash command's response_url, which go over node's http: counted as the method `response_url`. */
export function slackReplyCounter(metrics: Metrics): (seconds: number, error?: unknown) => void {
  return (seconds, error) => countCall(metrics, 'response_url', error === undefined ? SlackCallOutcome.Ok : httpFailureKind(error), seconds);
}

/** The kind of failure of a WebClient attempt it retries: a 429 it waited out, an HTTP error, or no answer. */
export function slackRetryKind(error: unknown): SlackCallOutcome {
  const e = typeof error === 'object' && error !== null ? (error as { code?: unknown; statusCode?: unknown; original?: { message?: unknown } }) : {};
  if (e.code === slackWebApi.ErrorCode.HTTPError) return typeof e.statusCode === 'number' && e.statusCode >= 500 ? SlackCallOutcome.Server : SlackCallOutcome.Client;
  // Having waited out a 429's Retry-After, the WebClient asks for the retry with a request error of its own words.
  if (typeof e.original?.message === 'string' && e.original.message.startsWith('A rate limit was exceeded')) return SlackCallOutcome.RateLimited;
  return SlackCallOutcome.Network;
}

/** A failed attempt as p-retry reports it: how many retries are left after it. */
type FailedAttempt = Error & { retriesLeft: number };

/**
 * The WebClient hands `retryConfig` to p-retry, which calls `onFailedAttempt` before each retry
 * (not for a 429 it was told to reject, nor for an `ok: false` answer): its type does not say so.
 */
type RetryOptionsWithHook = RetryOptions & { onFailedAttempt?: (error: FailedAttempt) => void | Promise<void> };

/** `options` for a WebClient whose calls and retries are counted into `metrics`. */
export function countedSlackClient(metrics: Metrics, options: WebClientOptions = {}): WebClientOptions {
  const retries: RetryOptionsWithHook = options.retryConfig ?? slackWebApi.retryPolicies.tenRetriesInAboutThirtyMinutes;
  const retryConfig: RetryOptionsWithHook = {
    ...retries,
    onFailedAttempt: async (error) => {
      if (error.retriesLeft > 0) metrics.externalRetry(ExternalSystem.Slack, slackRetryKind(error));
      await retries.onFailedAttempt?.(error);
    },
  };
  return {
    ...options,
    fetch: slackCallCounter(metrics, options.slackApiUrl ?? SLACK_API_URL, options.fetch as typeof fetch | undefined),
    retryConfig,
  };
}
