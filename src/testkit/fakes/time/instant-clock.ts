// A clock whose waits end at once, its time moving by what was waited: for tests that go through
// retries and backoff without waiting for them. `waits` records each wait asked for, in order.
import type { Clock } from '../../../core/ports/clock.js';

export class InstantClock implements Clock {
  readonly waits: number[] = [];
  private time: number;

  constructor(start = Date.parse('2024-05-01T10:00:00.000Z')) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = async (ms: number): Promise<void> => {
    this.waits.push(ms);
    this.time += ms;
  };
}
