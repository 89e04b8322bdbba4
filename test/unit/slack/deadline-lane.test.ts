// Deadlines of equal waits on one clock sleep: each falls due its own time after it was set,
// a cancelled one never does, and no sleep is left once none is pending.
import { describe, expect, it } from 'vitest';
import { DeadlineLane, deadlineLane } from '../../../src/adapters/slack/bot/deadline-lane.js';
import type { Clock } from '../../../src/core/ports/clock.js';
import { InstantClock } from '../../../src/testkit/fakes/time/instant-clock.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

function laneOfASecond(): { clock: ManualClock; lane: DeadlineLane; expired: string[] } {
  const clock = new ManualClock();
  return { clock, lane: new DeadlineLane(clock, 1_000), expired: [] };
}

describe('DeadlineLane', () => {
  it('expires each deadline its own time after it was set, on one sleep at a time', async () => {
    const { clock, lane, expired } = laneOfASecond();
    lane.add(() => expired.push('a'));
    await clock.advance(400);
    lane.add(() => expired.push('b'));
    lane.add(() => expired.push('c'));
    expect(clock.sleepers).toBe(1);
    await clock.advance(599);
    expect(expired).toEqual([]);
    await clock.advance(1);
    expect(expired).toEqual(['a']);
    await clock.advance(399);
    expect(expired).toEqual(['a']);
    await clock.advance(1);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(lane.size).toBe(0);
    expect(clock.sleepers).toBe(0);
  });

  it('keeps its order on a lane never idle through thousands of deadlines, cancelled or expired', async () => {
    const clock = new ManualClock();
    const lane = new DeadlineLane(clock, 1_000);
    const expired: number[] = [];
    const cancels: (() => void)[] = [];
    for (let i = 0; i < 5_000; i++) {
      cancels.push(lane.add(() => expired.push(i)));
      if (i % 2 === 1) cancels[i - 1]!();
      await clock.advance(1);
    }
    expect(lane.size).toBe(500);
    await clock.advance(1_000);
    expect(expired).toEqual(Array.from({ length: 2_500 }, (_, k) => 2 * k + 1));
    expect(lane.size).toBe(0);
    expect(clock.sleepers).toBe(0);
  });

  it('never expires a cancelled deadline, and sleeps no more once none is pending', async () => {
    const { clock, lane, expired } = laneOfASecond();
    const cancelA = lane.add(() => expired.push('a'));
    await clock.advance(100);
    const cancelB = lane.add(() => expired.push('b'));
    cancelA();
    await clock.advance(950);
    expect(expired).toEqual([]);
    expect(clock.sleepers).toBe(1);
    cancelB();
    cancelB();
    expect(lane.size).toBe(0);
    expect(clock.sleepers).toBe(0);
    lane.add(() => expired.push('c'));
    await clock.advance(1_000);
    expect(expired).toEqual(['c']);
  });

  it('expires on a clock whose waits end at once without its time moving past the deadline', async () => {
    const clock = new InstantClock();
    const lane = new DeadlineLane(clock, 2_500);
    const expired = await new Promise<string>((resolve) => lane.add(() => resolve('expired')));
    expect(expired).toBe('expired');
    expect(clock.waits).toEqual([2_500]);
  });

  it('measures time on the clock\'s monotonic time: a wall clock set forward expires nothing early', async () => {
    const steady = new ManualClock();
    let wallOffset = 0;
    const clock: Clock = { now: () => steady.now() + wallOffset, monotonic: steady.now, sleep: steady.sleep };
    const lane = new DeadlineLane(clock, 1_000);
    const expired: string[] = [];
    lane.add(() => expired.push('a'));
    await steady.advance(500);
    wallOffset = 3_600_000;
    lane.add(() => expired.push('b'));
    await steady.advance(500);
    expect(expired).toEqual(['a']);
    await steady.advance(499);
    expect(expired).toEqual(['a']);
    await steady.advance(1);
    expect(expired).toEqual(['a', 'b']);
  });

  it('is shared by every caller asking for the same clock and time', () => {
    const clock = new ManualClock();
    expect(deadlineLane(clock, 10)).toBe(deadlineLane(clock, 10));
    expect(deadlineLane(clock, 10)).not.toBe(deadlineLane(clock, 20));
    expect(deadlineLane(clock, 10)).not.toBe(deadlineLane(new ManualClock(), 10));
  });
});
