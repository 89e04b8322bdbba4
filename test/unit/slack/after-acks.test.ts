// The work after acks is let go one command per turn of the event loop: what the event loop has
// ready between two of them (here, callbacks queued with setImmediate, as an I/O read would be in
// the poll phase before them) runs in between, so a burst's acks are not held up by its work.
import { describe, expect, it } from 'vitest';
import { afterPendingIo } from '../../../src/adapters/slack/bot/after-acks.js';

describe('afterPendingIo', () => {
  it('lets the waiting commands go in order, one per turn, with what else is ready in between', async () => {
    const seen: string[] = [];
    const commands = ['a', 'b', 'c'].map((name) => afterPendingIo().then(() => void seen.push(`work ${name}`)));
    // Something ready on each of the next turns, as the next request of a socket would be.
    const turns = new Promise<void>((resolve) => {
      const turn = (n: number): void => {
        seen.push(`turn ${n}`);
        if (n < 3) setImmediate(turn, n + 1);
        else resolve();
      };
      setImmediate(turn, 1);
    });
    await Promise.all([...commands, turns]);
    expect(seen).toEqual(['work a', 'turn 1', 'work b', 'turn 2', 'work c', 'turn 3']);
  });

  it('waits for nothing but its turn when nothing else waits', async () => {
    let done = false;
    const waited = afterPendingIo().then(() => (done = true));
    expect(done).toBe(false);
    await waited;
    expect(done).toBe(true);
  });
});
