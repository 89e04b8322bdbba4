// How the notifier paces and retries its calls to Slack (its time is the injected Clock).

/** How the notifier paces and retries its calls to Slack. */
export interface NotifierTuning {
  /** At most one call per message (and per thread) in this interval: Slack's ~1 per second. */
  minIntervalMs: number;
  /** First wait after a failed call; doubled after each further failure. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long a failing delivery keeps being retried (counted from the final state, if later). */
  giveUpAfterMs: number;
  /** At most one edit of a status message for new lines of a running process's log in this interval. */
  logIntervalMs: number;
}

export const DEFAULT_NOTIFIER_TUNING: NotifierTuning = { minIntervalMs: 1_000, backoffMs: 1_000, maxBackoffMs: 60_000, giveUpAfterMs: 10 * 60_000, logIntervalMs: 3_000 };

/** The wait before retry `failures` (1 for the first), ±20% jitter so that many jobs spread out. */
export function backoffMs(tuning: NotifierTuning, failures: number, random: () => number): number {
  const base = Math.min(tuning.maxBackoffMs, tuning.backoffMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
