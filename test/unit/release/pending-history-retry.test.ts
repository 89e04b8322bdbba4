// The retry of releases left "applied, history pending": a flush when something is pending, on
// its period only, what it published and what still waits told, and nothing after stop.
import { describe, expect, it } from 'vitest';
import { retryPendingHistory } from '../../../src/core/release/pending-history-retry.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

function world(pending: number[]) {
  const clock = new ManualClock();
  const told: string[] = [];
  let flushes = 0;
  let down = true;
  const retry = retryPendingHistory({
    clock, everyMs: 60_000,
    pending: async () => pending[0] ?? 0,
    flush: async () => {
      flushes += 1;
      if (down) throw new NestorError(ErrorCode.HistoryPending, 'history repository unreachable');
      const pushed = pending.shift() ?? 0;
      return { pushed, pending: 0 };
    },
    onPublished: (pushed) => told.push(`published ${pushed}`),
    onStillPending: (error, n) => told.push(`still ${String(n)}: ${(error as Error).message}`),
  });
  return { clock, told, retry, flushes: () => flushes, up: () => void (down = false) };
}

describe('retryPendingHistory', () => {
  it('flushes on each period while commits are pending, tells what still waits, then what was published', async () => {
    const w = world([2]);
    await w.clock.advance(59_999);
    expect(w.flushes()).toBe(0);
    await w.clock.advance(1);
    expect(w.told).toEqual(['still 2: history repository unreachable']);
    w.up();
    await w.clock.advance(60_000);
    expect(w.told.at(-1)).toBe('published 2');
    await w.clock.advance(60_000);
    expect(w.flushes()).toBe(2); // nothing pending: no flush
    await w.retry.stop();
    expect(w.clock.sleepers).toBe(0);
  });

  it('retries nothing after stop', async () => {
    const w = world([1]);
    w.up();
    await w.retry.stop();
    await w.clock.advance(600_000);
    expect(w.flushes()).toBe(0);
    expect(w.told).toEqual([]);
  });
});
