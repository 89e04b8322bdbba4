// The Clock port's one contract, on the system clock and the test clocks: a wait ends early, and
// quietly, when its signal aborts, so every caller checks its signal after a wait, never catches.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import type { Clock } from '../../../src/core/ports/clock.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

const HOUR = 3_600_000;

describe.each<[string, () => Clock]>([
  ['system clock', () => systemClock],
  ['manual clock', () => new ManualClock()],
])('%s', (_name, make) => {
  it('ends a wait at once, resolving, when its signal aborts', async () => {
    const stop = new AbortController();
    const waiting = make().sleep(HOUR, stop.signal);
    stop.abort(new Error('stopped'));
    await expect(waiting).resolves.toBeUndefined();
  });

  it('does not wait at all when the signal has aborted already', async () => {
    await expect(make().sleep(HOUR, AbortSignal.abort())).resolves.toBeUndefined();
  });

  it('tells the time in milliseconds since the epoch', () => {
    expect(new Date(make().now()).getUTCFullYear()).toBeGreaterThanOrEqual(2024);
  });
});

describe('system clock', () => {
  it('keeps no process alive by a background wait', async () => {
    const clock = fileURLToPath(new URL('../../../src/adapters/system/system-clock.ts', import.meta.url));
    const script = `import { systemClock } from ${JSON.stringify(clock)};
      systemClock.sleep(${HOUR}, undefined, { background: true }).then(() => console.log('woke'));
      systemClock.sleep(50).then(() => console.log('short wait over'));`;
    // Exits once its short plain wait is over, the hour-long background one still pending.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout).toBe('short wait over\n');
  });
});

describe('manual clock', () => {
  it('ends a wait when advanced past it, not before', async () => {
    const clock = new ManualClock();
    let done = false;
    const waiting = clock.sleep(1_000).then(() => (done = true));
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(done).toBe(true);
  });
});
