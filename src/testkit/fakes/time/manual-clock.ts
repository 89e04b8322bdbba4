// A clock that moves only when a test says so: the Clock to inject, `advance` to run every
// timer that falls due, in order, letting what each one wakes up run before the next.
import type { Clock } from '../../../core/ports/clock.js';

interface Timer {
  at: number;
  wake: () => void;
}

/** Lets every pending promise continuation (and a round of I/O callbacks) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ManualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2024-05-01T10:00:00.000Z')) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  /** Resolves once the clock has been advanced by `ms`, or at once when `signal` aborts (never rejects). */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.time + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** Sleepers currently waiting. */
  get sleepers(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.wake();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/**
 * Interval timers that tick only when a test says so (the IntervalTimers shape of
 * adapters/slack/bot/approval-sweep.ts): `fire()` runs every live tick and resolves once they
 * have all finished, so a test waits on the work itself, never on time.
 */
export class ManualIntervals {
  private readonly ticks = new Map<number, () => Promise<void>>();
  private next = 0;

  readonly setInterval = (tick: () => Promise<void>, _ms: number): unknown => {
    const handle = ++this.next;
    this.ticks.set(handle, tick);
    return handle;
  };

  readonly clearInterval = (handle: unknown): void => {
    this.ticks.delete(handle as number);
  };

  /** Live intervals. */
  get active(): number {
    return this.ticks.size;
  }

  async fire(): Promise<void> {
    await Promise.all([...this.ticks.values()].map((tick) => tick()));
  }
}
