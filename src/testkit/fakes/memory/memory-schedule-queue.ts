// The in-memory ScheduleQueue: the fake for tests and the queue of the single-process shell. It
// keeps the reconciled schedulers (their next firing from the cron, as BullMQ computes it) and
// runs a firing asked for by hand at once, in this process, through runFiring.
import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../../../core/ports/clock.js';
import type { DesiredScheduler, ReconcileResult, ScheduleQueue } from '../../../core/ports/schedules.js';
import { runFiring, type FiringDeps, type FiringResult } from '../../../core/schedules/schedule-firing.js';

export class MemoryScheduleQueue implements ScheduleQueue {
  private readonly schedulers = new Map<string, DesiredScheduler>();
  private fired = 0;
  /** What each firing run by hand gave, by firing id. */
  readonly results = new Map<string, FiringResult>();

  constructor(private readonly deps: FiringDeps & { clock: Clock }) {}

  async reconcile(desired: readonly DesiredScheduler[]): Promise<ReconcileResult> {
    const result: ReconcileResult = { added: [], moved: [], removed: [], kept: [] };
    const gone = new Set(this.schedulers.keys());
    for (const scheduler of desired) {
      gone.delete(scheduler.id);
      const known = this.schedulers.get(scheduler.id);
      (known === undefined ? result.added : known.spec === scheduler.spec ? result.kept : result.moved).push(scheduler.id);
      this.schedulers.set(scheduler.id, scheduler);
    }
    for (const id of gone) {
      this.schedulers.delete(id);
      result.removed.push(id);
    }
    return result;
  }

  async nextFirings(): Promise<Map<string, Date>> {
    const now = new Date(this.deps.clock.now());
    return new Map([...this.schedulers.values()].map((s) => [s.id, CronExpressionParser.parse(s.pattern, { currentDate: now, tz: s.timeZone }).next().toDate()]));
  }

  async fireNow(target: { env: string; name: string }, by: string): Promise<string> {
    const firingId = `now-${target.env}-${target.name}-${++this.fired}`;
    const firing = { ...target, firingId, firedAt: new Date(this.deps.clock.now()), trigger: 'now' as const, by };
    this.results.set(firingId, await runFiring(this.deps, firing, new AbortController().signal));
    return firingId;
  }
}
