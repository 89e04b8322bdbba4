// What a failed Slack Web API call means for the notifier: wait the Retry-After, retry with
// backoff (network, 5xx, Slack's own transient errors), or give this message up (bad channel,
// bad auth, bad blocks: the same call would fail again).
import type { webApi } from '@slack/bolt';

export type SlackFailure =
  | { kind: 'rate-limited'; retryAfterMs: number; code: string }
  | { kind: 'retryable'; code: string }
  | { kind: 'permanent'; code: string };

/**
 * Options for the WebClient given to the notifier (built in main/): it fails fast and lets the
 * notifier wait and retry, so that its own pacing, deadline and shutdown flush stay in charge.
 * Another WebClient works too; its own retries then only make calls take longer.
 */
export const NOTIFIER_CLIENT_OPTIONS = { retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 15_000 } as const satisfies webApi.WebClientOptions;

// The codes of @slack/web-api's ErrorCode, kept as strings so this file needs no runtime import.
const RATE_LIMITED = 'slack_webapi_rate_limited_error';
const REQUEST = 'slack_webapi_request_error';
const HTTP = 'slack_webapi_http_error';
const PLATFORM = 'slack_webapi_platform_error';

const TRANSIENT_PLATFORM = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
/** chat.update of a message that is gone or can no longer be edited: post a new one instead. */
export const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

interface ErrorShape {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  headers?: Record<string, unknown>;
  data?: { error?: unknown };
}

const shape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? (error as ErrorShape) : {});

/** Slack's error string of a platform error (`channel_not_found`), else undefined. */
export function platformError(error: unknown): string | undefined {
  const e = shape(error);
  return e.code === PLATFORM && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

function seconds(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 1;
}

export function classifySlackError(error: unknown): SlackFailure {
  const e = shape(error);
  if (e.code === RATE_LIMITED) return { kind: 'rate-limited', retryAfterMs: seconds(e.retryAfter) * 1000, code: 'ratelimited' };
  if (e.code === REQUEST) return { kind: 'retryable', code: REQUEST };
  if (e.code === HTTP) {
    const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
    if (status === 429) return { kind: 'rate-limited', retryAfterMs: seconds(e.headers?.['retry-after']) * 1000, code: 'http_429' };
    return status >= 500 || status === 408 ? { kind: 'retryable', code: `http_${status}` } : { kind: 'permanent', code: `http_${status}` };
  }
  const platform = platformError(error);
  if (platform !== undefined) return TRANSIENT_PLATFORM.has(platform) ? { kind: 'retryable', code: platform } : { kind: 'permanent', code: platform };
  // Anything else (a timeout, a bug in a fetch): assume it may pass.
  return { kind: 'retryable', code: typeof e.code === 'string' ? e.code : 'unknown' };
}
