// Bounded retries of the calls Nestor makes to other services (the Kubernetes API, an image
// registry): an attempt that failed transiently (a 429, a 5xx, no answer) is tried again after an
// exponential backoff, at least its Retry-After, capped. Neutral to how a call is sent: each client
// says which of its answers are transient and what the caller gets once the attempts run out.
import type { Clock } from '../../core/ports/clock.js';

/** How an attempt failed: a 429, another transient status (5xx), or no answer at all. */
export type FailureKind = 'rate_limited' | 'server' | 'network';

export interface FailureInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** What was asked, e.g. `PATCH /api/v1/...`. */
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
  /** The wait after the first failure, doubled after each further one; `maxDelayMs` caps it (a Retry-After too). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** `full`: the wait is uniform in [0, that delay], so that many clients spread out; `none`: the delay itself. */
  jitter: 'full' | 'none';
  /** In [0, 1), for the jitter. */
  random: () => number;
  /** Waits between attempts. */
  clock: Clock;
  /** Every attempt tried again, with the wait before it (for metrics). */
  onRetry?: (info: RetryInfo) => void;
  /** Every attempt that failed transiently, the last one included (for metrics). */
  onFailure?: (info: FailureInfo) => void;
}

/** One attempt that failed transiently. */
export interface TransientFailure<T> {
  kind: FailureKind;
  problem: string;
  retryAfterMs?: number;
  /** What the caller gets when this was the last attempt: the failed answer returned, or an error thrown. */
  giveUp: () => T;
  /** Releases the failed answer before the next attempt (e.g. a response body left unread). */
  discard?: () => Promise<void>;
}

/** An attempt's outcome: an answer for the caller (whatever its status), or a transient failure. */
export type AttemptOutcome<T> = { answer: T } | { failed: TransientFailure<T> };

/** The kind of a transient HTTP status: 429 and any 5xx (a client may retry fewer of them). */
export function statusFailureKind(status: number): FailureKind | undefined {
  if (status === 429) return 'rate_limited';
  return status >= 500 && status < 600 ? 'server' : undefined;
}

/** A Retry-After header in seconds (the form these services send), as milliseconds. */
export function retryAfterMs(header: string | undefined | null): number | undefined {
  const seconds = Number(header ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The wait after failed attempt `attempt` (1-based): the doubled delay, jittered by the policy, at least Retry-After, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfter?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delay = policy.jitter === 'full' ? Math.floor(policy.random() * ceiling) : ceiling;
  return retryAfter === undefined ? delay : Math.min(policy.maxDelayMs, Math.max(delay, retryAfter));
}

/**
 * Runs `attempt` until it gives an answer, at most `policy.attempts` times; after the last
 * transient failure, what its `giveUp` returns or throws. An error thrown by `attempt` is not
 * retried; a `signal` aborted stops the retries (thrown as AbortError), waits included.
 */
export async function retryTransient<T>(policy: RetryPolicy, request: string, attempt: (attempt: number) => Promise<AttemptOutcome<T>>, signal?: AbortSignal): Promise<T> {
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    const outcome = await attempt(n);
    if ('answer' in outcome) return outcome.answer;
    const { kind, problem, retryAfterMs: retryAfter } = outcome.failed;
    policy.onFailure?.({ attempt: n, request, problem, kind });
    if (n >= policy.attempts) return outcome.failed.giveUp();
    await outcome.failed.discard?.();
    const delayMs = backoffDelay(n, policy, retryAfter);
    policy.onRetry?.({ attempt: n, delayMs, request, problem, kind });
    await policy.clock.sleep(delayMs, signal);
    // Stopped while waiting: as a transport does when stopped during a request.
    signal?.throwIfAborted();
  }
}
