// The scheduler on real Redis and BullMQ: reconcile, firings across workers, workers down,
// overlaps, run-now and the listing. Firing tests replace the cron by a short `every`.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/system/system-clock.js';
import type { ScheduleContext, ScheduleOutcome } from '../../../src/core/schedules/schedule-handlers.js';
import { runFiring } from '../../../src/core/schedules/schedule-firing.js';
import { listSchedules, runScheduleNow } from '../../../src/core/schedules/schedule-listing.js';
import { ScheduleReconciler } from '../../../src/core/schedules/schedule-reconciler.js';
import { scheduleHandlers } from '../../../src/core/schedules/schedule-handlers.js';
import { eventually } from '../../support/eventually.js';
import { scheduleWorld } from '../../support/schedule-world.js';

const NIGHTLY = 'nightly: { kind: report, cron: "0 9 * * *", time_zone: Europe/Paris }';
const SYNC = 'sync: { kind: report, cron: "*/30 * * * *" }';
const done: ScheduleOutcome = { counts: { apps: 1 }, text: 'done' };

describe('reconciling the queue with the config', () => {
  it('adds every environment × schedule, keeps the unchanged (same pending firing), moves the changed, removes the gone', async (ctx) => {
    const world = scheduleWorld(ctx);
    const reconciler = new ScheduleReconciler({ config: world.config, queue: world.queue });
    world.setSchedules([NIGHTLY, SYNC], ['schedules:', '  sync: null']);
    expect(await reconciler.check()).toEqual({
      added: ['nestor:dev:nightly', 'nestor:production:nightly', 'nestor:production:sync'], moved: [], removed: [], kept: [],
    });
    const before = await world.queue.queue.getDelayed();
    expect(before.map((j) => j.id?.replace(/:\d+$/, '')).sort()).toEqual(['repeat:nestor:dev:nightly', 'repeat:nestor:production:nightly', 'repeat:nestor:production:sync']);
    expect(await reconciler.check()).toBeUndefined(); // the same config: nothing read from the queue

    world.setSchedules([NIGHTLY, SYNC], ['schedules:', '  sync: null']);
    expect(await reconciler.check()).toMatchObject({ added: [], moved: [], removed: [], kept: expect.arrayContaining(['nestor:production:sync']) as unknown });
    expect((await world.queue.queue.getDelayed()).map((j) => j.id).sort()).toEqual(before.map((j) => j.id).sort());

    const nextBefore = (await world.queue.nextFirings()).get('nestor:dev:nightly')!;
    world.setSchedules([NIGHTLY], ['schedules:', '  nightly: { cron: "0 10 * * *" }']);
    expect(await reconciler.check()).toEqual({ added: [], moved: ['nestor:dev:nightly'], removed: ['nestor:production:sync'], kept: ['nestor:production:nightly'] });
    const next = await world.queue.nextFirings();
    expect([...next.keys()].sort()).toEqual(['nestor:dev:nightly', 'nestor:production:nightly']);
    const parisTime = (d: Date) => d.toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
    expect([parisTime(nextBefore), parisTime(next.get('nestor:dev:nightly')!)]).toEqual(['09:00', '10:00']);
    expect((await world.queue.queue.getDelayed()).map((j) => j.id?.replace(/:\d+$/, '')).sort()).toEqual(['repeat:nestor:dev:nightly', 'repeat:nestor:production:nightly']);
  });
});

describe('firings', () => {
  it('fire once each across two workers', async (ctx) => {
    const world = scheduleWorld(ctx, () => ({ every: 150 }));
    const calls: ScheduleContext[] = [];
    const report = async (c: ScheduleContext): Promise<ScheduleOutcome> => {
      calls.push(c);
      return done;
    };
    world.startWorker({ report });
    world.startWorker({ report });
    world.setSchedules([NIGHTLY]);
    await new ScheduleReconciler({ config: world.config, queue: world.queue }).check();
    await eventually('six firings', () => calls.length >= 6, 20_000);
    await world.queue.queue.removeJobScheduler('nestor:production:nightly');
    const ids = calls.map((c) => c.firingId);
    expect(new Set(ids).size).toBe(ids.length);
    // One run per firing time of each schedule: no firing ran twice under two ids.
    const firings = calls.map((c) => `${c.env}@${c.firedAt.getTime()}`);
    expect(new Set(firings).size).toBe(firings.length);
    // The handler is called before its outcome is recorded: the last firing may still be ending.
    const last = await eventually('the last firing recorded with its outcome', async () => {
      const record = (await world.runs.records(['nestor:production:nightly'])).get('nestor:production:nightly');
      return record?.last?.outcome ? record.last : undefined;
    });
    expect(last).toMatchObject({ trigger: 'schedule', outcome: done });
  });

  it('a firing due while no worker runs runs when one comes back, even after a reconcile', async (ctx) => {
    const world = scheduleWorld(ctx, () => ({ every: 300 }));
    world.setSchedules([NIGHTLY], ['schedules:', '  nightly: null']);
    await new ScheduleReconciler({ config: world.config, queue: world.queue }).check();
    // An `every` scheduler's first firing is due at once: it waits in the queue.
    const [pending] = await world.queue.queue.getJobs(['wait', 'delayed']);
    const due = pending!.timestamp + pending!.delay;
    await eventually('the firing to be overdue', () => Date.now() > due + 100, 5_000);
    // A worker starting reconciles first: the same schedules keep their overdue firing.
    world.setSchedules([NIGHTLY], ['schedules:', '  nightly: null']);
    expect(await new ScheduleReconciler({ config: world.config, queue: world.queue }).check()).toMatchObject({ kept: ['nestor:production:nightly'] });
    const calls: ScheduleContext[] = [];
    world.startWorker({ report: async (c) => (calls.push(c), done) });
    const first = await eventually('the overdue firing', () => calls[0]);
    expect(first.firingId).toBe(pending!.id);
    expect(first.firedAt.getTime()).toBe(due);
  });

  it('a firing that comes while the previous run goes on is skipped, and the next run says how many were', async (ctx) => {
    const world = scheduleWorld(ctx, () => ({ every: 100 }));
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    ctx.onTestFinished(() => open());
    const calls: ScheduleContext[] = [];
    const report = async (c: ScheduleContext): Promise<ScheduleOutcome> => {
      if (c.env !== 'production') return done;
      calls.push(c);
      if (calls.length === 1) await gate;
      return done;
    };
    world.startWorker({ report });
    world.startWorker({ report });
    world.setSchedules([NIGHTLY]);
    await new ScheduleReconciler({ config: world.config, queue: world.queue }).check();
    const id = 'nestor:production:nightly';
    const skipped = await eventually('two skipped firings', async () => {
      const record = (await world.runs.records([id])).get(id);
      return record && record.skipped >= 2 ? record : undefined;
    }, 20_000);
    expect(calls).toHaveLength(1);
    expect(skipped.last?.status).toBe('running');
    open();
    const after = await eventually('a run after the skips', async () => {
      const last = (await world.runs.records([id])).get(id)?.last;
      return last && last.firingId !== calls[0]!.firingId ? last : undefined;
    }, 20_000);
    expect(after.skippedBefore).toBeGreaterThanOrEqual(2);
    await world.queue.queue.removeJobScheduler(id);
  });

  it('one firing delivered twice runs once', async (ctx) => {
    const world = scheduleWorld(ctx);
    world.setSchedules([NIGHTLY]);
    let runs = 0;
    const deps = {
      handlers: scheduleHandlers({ report: async () => (runs++, done) }), runs: world.runs, clock: systemClock,
      schedules: async () => [{ env: 'production', name: 'nightly', kind: 'report' as const, cron: '0 9 * * *', timeZone: 'UTC' }],
    };
    const firing = { env: 'production', name: 'nightly', firingId: 'repeat:nestor:production:nightly:1', firedAt: new Date(), trigger: 'schedule' as const };
    expect(await runFiring(deps, firing, new AbortController().signal)).toMatchObject({ result: 'ran', run: { status: 'succeeded' } });
    expect(await runFiring(deps, firing, new AbortController().signal)).toMatchObject({ result: 'skipped', why: 'done' });
    expect(runs).toBe(1);
  });
});

describe('listing and run-now', () => {
  it('lists each schedule with its next firing and last run; run-now fires the same job (a kind not built yet fails, recorded)', async (ctx) => {
    const world = scheduleWorld(ctx);
    world.setSchedules([NIGHTLY]);
    const deps = { config: world.config, queue: world.queue, runs: world.runs };
    const now = new Date('2026-03-02T12:00:00Z');
    const [unscheduled] = await listSchedules(deps, now);
    expect(unscheduled).toMatchObject({ id: 'nestor:dev:nightly', scheduled: false, last: undefined, skipped: 0 });
    expect(unscheduled!.next?.toISOString()).toBe('2026-03-03T08:00:00.000Z');

    await new ScheduleReconciler({ config: world.config, queue: world.queue }).check();
    world.startWorker();
    await expect(runScheduleNow(deps, 'nightly', 'alice')).rejects.toThrow('schedule "nightly" is in several environments: say which (dev/nightly, production/nightly)');
    await expect(runScheduleNow(deps, 'production/nighty', 'alice')).rejects.toThrow('unknown schedule "production/nighty" (did you mean "production/nightly"?)');
    const fired = await runScheduleNow(deps, 'production/nightly', 'alice');
    const listed = await eventually('the run-now run', async () => {
      const entry = (await listSchedules(deps, new Date())).find((s) => s.id === 'nestor:production:nightly');
      return entry?.last?.finishedAt ? entry : undefined;
    });
    expect(listed.scheduled).toBe(true);
    expect(listed.next!.getTime()).toBeGreaterThan(Date.now());
    expect(listed.last).toMatchObject({
      firingId: fired.firingId, trigger: 'now', by: 'alice', status: 'failed', error: 'schedules of kind report are not available yet', skippedBefore: 0,
    });
  });
});
