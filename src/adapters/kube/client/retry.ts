// Bounded retries of transient API failures: 429, 5xx and requests that got no answer (reset,
// refused, timed out). Exponential backoff with full jitter; Retry-After is honoured (capped).
import type { Clock } from '../../../core/ports/clock.js';
import { systemClock } from '../../system/system-clock.js';
import { NetworkError, type KubeRequest, type KubeResponse, type Transport } from './http-transport.js';

/** How an attempt failed: a 429, another transient status (5xx), or no answer at all. */
export type FailureKind = 'rate_limited' | 'server' | 'network';

export interface FailureInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  request: string;
  problem: string;
  kind: FailureKind;
}

export interface RetryInfo extends FailureInfo {
  delayMs: number;
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per request: a request with no complete answer by then is abandoned and retried. */
  timeoutMs: number;
  /** Waits between attempts. */
  clock: Clock;
  /** In [0, 1). */
  random: () => number;
  onRetry?: (info: RetryInfo) => void;
  /** Every attempt that failed transiently, the last one included (for metrics). */
  onFailure?: (info: FailureInfo) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  timeoutMs: 15_000,
  clock: systemClock,
  random: Math.random,
};

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

/** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))], at least Retry-After when given. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(policy.random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs));
}

/** Every attempt failed transiently; `problem` says how the last one failed. */
export class RetriesExhausted extends Error {
  constructor(readonly attempts: number, readonly problem: string, readonly lastStatus?: number) {
    super(`${problem} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`);
    this.name = 'RetriesExhausted';
  }
}

/** From the Retry-After header, else the Status body's `details.retryAfterSeconds`. */
function retryAfterMs(response: KubeResponse): number | undefined {
  const header = response.headers['retry-after'];
  let seconds = Number(Array.isArray(header) ? header[0] : header ?? Number.NaN);
  if (!Number.isFinite(seconds)) {
    try {
      seconds = Number((JSON.parse(response.body) as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds ?? Number.NaN);
    } catch {
      return undefined;
    }
  }
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function statusProblem(response: KubeResponse): string {
  let message = '';
  try {
    const body = JSON.parse(response.body) as { message?: unknown };
    if (typeof body.message === 'string') message = `: ${body.message}`;
  } catch {
    // not a Status body
  }
  return `HTTP ${response.status}${message}`;
}

/**
 * The first non-transient answer (2xx, or a 4xx other than 429, for the caller to interpret).
 * Throws RetriesExhausted when every attempt failed transiently; an abort is thrown as is.
 */
export async function sendWithRetry(transport: Transport, request: KubeRequest, policy: RetryPolicy): Promise<KubeResponse> {
  const what = `${request.method} ${request.path}`;
  for (let attempt = 1; ; attempt++) {
    request.signal?.throwIfAborted();
    let problem: string;
    let wait: number | undefined;
    let lastStatus: number | undefined;
    let kind: FailureKind = 'network';
    try {
      const response = await transport(request, policy.timeoutMs);
      if (!isTransientStatus(response.status)) return response;
      problem = statusProblem(response);
      wait = retryAfterMs(response);
      lastStatus = response.status;
      kind = response.status === 429 ? 'rate_limited' : 'server';
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      problem = err.message;
    }
    policy.onFailure?.({ attempt, request: what, problem, kind });
    if (attempt >= policy.attempts) throw new RetriesExhausted(attempt, problem, lastStatus);
    const delayMs = backoffDelay(attempt, policy, wait);
    policy.onRetry?.({ attempt, delayMs, request: what, problem, kind });
    await policy.clock.sleep(delayMs, request.signal);
    // Stopped while waiting: as the transport does when stopped during a request.
    request.signal?.throwIfAborted();
  }
}
