// One firing through runFiring, on the in-memory run records and a manual clock.
import { describe, expect, it } from 'vitest';
import type { EnvironmentSchedule } from '../../../src/core/config/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { runFiring, type FiringDeps } from '../../../src/core/schedules/schedule-firing.js';
import { scheduleHandlers, type ScheduleHandlers } from '../../../src/core/schedules/schedule-handlers.js';
import { MemoryScheduleRuns } from '../../../src/testkit/fakes/memory/memory-schedule-runs.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';

const REPORT: EnvironmentSchedule = { env: 'dev3', name: 'report', kind: 'report', cron: '0 9 * * *', timeZone: 'UTC' };
const firing = (firingId: string) => ({ env: 'dev3', name: 'report', firingId, firedAt: new Date('2024-05-01T09:00:00Z'), trigger: 'schedule' as const });

function deps(handlers: Partial<ScheduleHandlers>, clock = new ManualClock()): FiringDeps & { clock: ManualClock; runs: MemoryScheduleRuns } {
  return { handlers: scheduleHandlers(handlers), runs: new MemoryScheduleRuns(clock), clock, schedules: async () => [REPORT], holdMs: 3_000 };
}

const never = new AbortController().signal;

describe('runFiring', () => {
  it('records what the handler did, or why it failed (its one line; a bug as an internal error)', async () => {
    const ok = deps({ report: async (ctx) => ({ counts: { apps: 3 }, text: `reported ${ctx.env} at ${ctx.firedAt.toISOString()}` }) });
    expect(await runFiring(ok, firing('f1'), never)).toMatchObject({
      result: 'ran', run: { status: 'succeeded', outcome: { counts: { apps: 3 }, text: 'reported dev3 at 2024-05-01T09:00:00.000Z' } },
    });
    const refused = deps({ report: async () => Promise.reject(new NestorError(ErrorCode.ClusterUnavailable, 'cluster kapten_dev_eu-w1 unreachable')) });
    expect(await runFiring(refused, firing('f1'), never)).toMatchObject({ result: 'ran', run: { status: 'failed', error: 'cluster kapten_dev_eu-w1 unreachable' } });
    const bug = deps({ report: async () => Promise.reject(new TypeError('x is undefined')) });
    expect(await runFiring(bug, firing('f1'), never)).toMatchObject({ run: { status: 'failed', error: 'internal error: x is undefined' } });
    expect(await runFiring(deps({}), firing('f1'), never)).toMatchObject({ run: { status: 'failed', error: 'schedules of kind report are not available yet' } });
  });

  it('does nothing for a schedule gone from the config', async () => {
    const gone = { ...deps({}), schedules: async () => [] };
    expect(await runFiring(gone, firing('f1'), never)).toEqual({ result: 'skipped', why: 'not-in-config', text: 'schedule dev3/report is no longer in the config' });
  });

  it('keeps its hold while the run goes on longer than the hold, so a later firing is still skipped', async () => {
    let finish: () => void = () => undefined;
    let started: () => void = () => undefined;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const slow = deps({
      report: (ctx) => new Promise((resolve) => {
        finish = () => resolve({ counts: {}, text: 'done' });
        if (ctx.firingId === 'f1') started();
        else finish();
      }),
    });
    const running = runFiring(slow, firing('f1'), never);
    await handlerStarted;
    for (let i = 0; i < 4; i++) await slow.clock.advance(1_000);
    expect(await runFiring(slow, firing('f2'), never)).toMatchObject({ result: 'skipped', why: 'overlap' });
    finish();
    expect(await running).toMatchObject({ result: 'ran', run: { status: 'succeeded' } });
    expect(await runFiring(slow, firing('f3'), never)).toMatchObject({ result: 'ran', run: { skippedBefore: 1 } });
  });
});
