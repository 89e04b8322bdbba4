import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/ports/clock.js';

/** The machine's clock: real time, real waits. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal, options) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      if (options?.background) timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
