// The Kubernetes client's retries (through the shared transient-retry helper): 429, 500, 502,
// 503, 504 and requests that got no answer (reset, refused, timed out). Exponential backoff with
// full jitter; Retry-After (or the Status body's retryAfterSeconds) is honoured, capped.
import { systemClock } from '../../system/system-clock.js';
import { retryAfterMs, retryTransient, statusFailureKind, type RetryPolicy } from '../../http/transient-retry.js';
import { performance } from 'node:perf_hooks';
import { CallOutcome, httpCallOutcome } from '../../../core/ports/metrics.js';
import { NetworkError, type KubeRequest, type KubeResponse, type Transport } from './http-transport.js';

export interface KubeRetryPolicy extends RetryPolicy {
  /** Per request: a request with no complete answer by then is abandoned and retried. */
  timeoutMs: number;
  /** Every attempt that got an answer or none (for metrics); an aborted one is not told. */
  onAttempt?: (attempt: KubeAttempt) => void;
}

export interface KubeAttempt {
  /** The HTTP method, lower case. */
  method: string;
  outcome: CallOutcome;
  seconds: number;
}

export const DEFAULT_RETRY_POLICY: KubeRetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  jitter: 'full',
  timeoutMs: 15_000,
  clock: systemClock,
  random: Math.random,
};

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

/** Every attempt failed transiently; `problem` says how the last one failed. */
export class RetriesExhausted extends Error {
  constructor(readonly attempts: number, readonly problem: string, readonly lastStatus?: number) {
    super(`${problem} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`);
    this.name = 'RetriesExhausted';
  }
}

/** From the Retry-After header, else the Status body's `details.retryAfterSeconds`. */
function kubeRetryAfterMs(response: KubeResponse): number | undefined {
  const header = response.headers['retry-after'];
  const fromHeader = retryAfterMs(Array.isArray(header) ? header[0] : header);
  if (fromHeader !== undefined) return fromHeader;
  try {
    const seconds = (JSON.parse(response.body) as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
    return retryAfterMs(seconds === undefined ? undefined : String(seconds));
  } catch {
    return undefined;
  }
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
export async function sendWithRetry(transport: Transport, request: KubeRequest, policy: KubeRetryPolicy): Promise<KubeResponse> {
  const told = policy.onAttempt;
  const method = request.method.toLowerCase();
  return retryTransient<KubeResponse>(policy, `${request.method} ${request.path}`, async (attempt) => {
    const start = performance.now();
    try {
      const response = await transport(request, policy.timeoutMs);
      told?.({ method, outcome: httpCallOutcome(response.status), seconds: (performance.now() - start) / 1000 });
      if (!isTransientStatus(response.status)) return { answer: response };
      const problem = statusProblem(response);
      return { failed: {
        kind: statusFailureKind(response.status) ?? 'server', problem, retryAfterMs: kubeRetryAfterMs(response),
        giveUp: () => { throw new RetriesExhausted(attempt, problem, response.status); },
      } };
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      told?.({ method, outcome: CallOutcome.Network, seconds: (performance.now() - start) / 1000 });
      return { failed: { kind: 'network', problem: err.message, giveUp: () => { throw new RetriesExhausted(attempt, err.message); } } };
    }
  }, request.signal);
}
