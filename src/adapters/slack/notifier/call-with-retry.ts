// One Slack call that must get through (a release announcement): Retry-After honoured, backoff
// on failures, for a bounded time; refused calls (bad channel, bad auth) fail at once.
import type { DeliveryDeps } from './delivery-report.js';
import { classifySlackError } from './slack-failure.js';
import { backoffMs } from './tuning.js';

export type RetryDeps = DeliveryDeps;

/** The call's result; else the WebClient's last error once refused or retried for too long. */
export async function callWithRetry<T>(call: () => Promise<T>, deps: RetryDeps): Promise<T> {
  const { clock, tuning, jobId, lane } = deps;
  const start = clock.now();
  for (let failures = 1; ; failures += 1) {
    try {
      const result = await call();
      deps.observe({ jobId, lane, result: 'sent' });
      return result;
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'permanent') {
        deps.observe({ jobId, lane, result: 'dropped', code: failure.code });
        throw error;
      }
      const retryInMs = failure.kind === 'rate-limited' ? failure.retryAfterMs : backoffMs(tuning, failures, deps.random);
      if (clock.now() + retryInMs - start > tuning.giveUpAfterMs) {
        deps.observe({ jobId, lane, result: 'gave-up', code: failure.code });
        throw error;
      }
      deps.observe({ jobId, lane, result: 'retry', reason: failure.kind === 'rate-limited' ? 'rate-limited' : 'failed', code: failure.code, retryInMs });
      await clock.sleep(retryInMs);
    }
  }
}
