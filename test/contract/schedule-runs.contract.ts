// The ScheduleRuns contract, run on the in-memory fake and on Redis alike.
import { describe, expect, it } from 'vitest';
import type { ScheduleRun, ScheduleRuns } from '../../src/core/ports/schedules.js';

const HOLD_MS = 60_000;

function run(firingId: string, extra: Partial<ScheduleRun> = {}): ScheduleRun {
  return { firingId, trigger: 'schedule', firedAt: '2026-12-01T09:00:00.000Z', startedAt: '2026-12-01T09:00:01.000Z', status: 'running', skippedBefore: 0, ...extra };
}

const finished = (r: ScheduleRun): ScheduleRun => ({ ...r, status: 'succeeded', finishedAt: '2026-12-01T09:05:00.000Z', outcome: { counts: { released: 2 }, text: '2 released' } });

/** `open()` gives another client of the same store (another worker process). */
export function scheduleRunsContract(name: string, open: () => ScheduleRuns): void {
  describe.concurrent(`ScheduleRuns contract: ${name}`, () => {
    it('one run at a time: a firing during a run is skipped and counted, and the next run says how many were', async () => {
      const id = `s-${Math.random()}`;
      expect(await open().begin(id, run('f1'), HOLD_MS)).toEqual({ begun: 'run', skippedBefore: 0 });
      expect(await open().begin(id, run('f2'), HOLD_MS)).toEqual({ begun: 'overlap', running: 'f1' });
      expect(await open().begin(id, run('f3'), HOLD_MS)).toEqual({ begun: 'overlap', running: 'f1' });
      expect((await open().records([id])).get(id)).toMatchObject({ last: { firingId: 'f1', status: 'running' }, skipped: 2 });
      await open().finish(id, finished(run('f1')));
      expect(await open().begin(id, run('f4'), HOLD_MS)).toEqual({ begun: 'run', skippedBefore: 2 });
      const record = (await open().records([id])).get(id)!;
      expect(record).toMatchObject({ last: { firingId: 'f4', status: 'running', skippedBefore: 2 }, skipped: 0 });
    });

    it('a firing that ran to its end does not run again; one taken over mid-run goes on with its count', async () => {
      const id = `s-${Math.random()}`;
      await open().begin(id, run('f1'), HOLD_MS);
      await open().begin(id, run('f2'), HOLD_MS);
      await open().finish(id, finished(run('f1')));
      expect(await open().begin(id, run('f1'), HOLD_MS)).toEqual({ begun: 'done' });
      expect(await open().begin(id, run('f3'), HOLD_MS)).toEqual({ begun: 'run', skippedBefore: 1 });
      // f3's worker died; the job comes back under the same id.
      expect(await open().begin(id, run('f3'), HOLD_MS)).toEqual({ begun: 'run', skippedBefore: 1 });
      await open().finish(id, finished(run('f3', { skippedBefore: 1 })));
      expect((await open().records([id])).get(id)).toEqual({ last: finished(run('f3', { skippedBefore: 1 })), skipped: 0, lastSkippedAt: '2026-12-01T09:00:01.000Z' });
    });

    it('renews only its own hold; an unknown schedule has no run', async () => {
      const id = `s-${Math.random()}`;
      await open().begin(id, run('f1'), HOLD_MS);
      expect(await open().renew(id, 'f1', HOLD_MS)).toBe(true);
      expect(await open().renew(id, 'f2', HOLD_MS)).toBe(false);
      expect((await open().records([`never-${Math.random()}`])).values().next().value).toEqual({ skipped: 0 });
    });
  });
}
