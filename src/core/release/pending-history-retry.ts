// Releases applied while the history repository could not be written stay as local commits of
// this process's clone ("applied, history pending"); the next write publishes them, and so does
// this retry, for a process whose next write may be long in coming (a quiet environment): every
// `everyMs`, when something is pending, one flush (fetch, rebase, push, never forced). Each
// process retries its own clone's commits; nothing is shared, so any number of workers may run it.
import type { Clock } from '../ports/clock.js';
import type { FlushResult } from '../ports/release-history.js';

export interface PendingHistoryRetryOptions {
  /** The local commits not yet published. */
  pending: () => Promise<number>;
  /** Publishes them; throws (HistoryPending) while it still cannot. */
  flush: () => Promise<FlushResult>;
  clock: Clock;
  everyMs: number;
  /** A flush published `pushed` commits. */
  onPublished: (pushed: number) => void;
  /** A retry that failed: `pending` commits still wait (undefined when even counting them failed). */
  onStillPending: (error: unknown, pending: number | undefined) => void;
}

export interface PendingHistoryRetry {
  /** No more retries; resolves once a retry under way has ended. */
  stop(): Promise<void>;
}

const BACKGROUND = { background: true } as const;

export function retryPendingHistory(options: PendingHistoryRetryOptions): PendingHistoryRetry {
  const stopped = new AbortController();
  const once = async (): Promise<void> => {
    let pending: number | undefined;
    try {
      pending = await options.pending();
      if (pending === 0) return;
      const { pushed } = await options.flush();
      if (pushed > 0) options.onPublished(pushed);
    } catch (error) {
      options.onStillPending(error, pending);
    }
  };
  const loop = (async () => {
    for (;;) {
      await options.clock.sleep(options.everyMs, stopped.signal, BACKGROUND);
      if (stopped.signal.aborted) return;
      await once();
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
}
