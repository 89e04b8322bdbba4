// The in-memory ScheduleRuns: the fake for tests and the record of a single-process shell. The
// hold lapses on the given clock, as the Redis key's expiry does.
import type { Clock } from '../../../core/ports/clock.js';
import type { Begun, ScheduleRecord, ScheduleRun, ScheduleRuns } from '../../../core/ports/schedules.js';

interface Entry {
  last?: ScheduleRun;
  current?: string;
  done?: string;
  skipped: number;
  lastSkippedAt?: string;
  hold?: { firingId: string; until: number };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MemoryScheduleRuns implements ScheduleRuns {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  private entry(id: string): Entry {
    let entry = this.entries.get(id);
    if (!entry) this.entries.set(id, (entry = { skipped: 0 }));
    if (entry.hold && entry.hold.until <= this.clock.now()) delete entry.hold;
    return entry;
  }

  async begin(id: string, run: ScheduleRun, holdMs: number): Promise<Begun> {
    await tick();
    const entry = this.entry(id);
    if (entry.hold && entry.hold.firingId !== run.firingId) {
      entry.skipped += 1;
      entry.lastSkippedAt = run.startedAt;
      return { begun: 'overlap', running: entry.hold.firingId };
    }
    if (entry.done === run.firingId) return { begun: 'done' };
    entry.hold = { firingId: run.firingId, until: this.clock.now() + holdMs };
    const skippedBefore = entry.current === run.firingId ? (entry.last?.skippedBefore ?? 0) : entry.skipped;
    if (entry.current !== run.firingId) entry.skipped = 0;
    entry.current = run.firingId;
    entry.last = { ...run, skippedBefore };
    return { begun: 'run', skippedBefore };
  }

  async renew(id: string, firingId: string, holdMs: number): Promise<boolean> {
    await tick();
    const entry = this.entry(id);
    if (entry.hold && entry.hold.firingId !== firingId) return false;
    entry.hold = { firingId, until: this.clock.now() + holdMs };
    return true;
  }

  async finish(id: string, run: ScheduleRun): Promise<void> {
    await tick();
    const entry = this.entry(id);
    entry.last = structuredClone(run);
    entry.done = run.firingId;
    if (entry.hold?.firingId === run.firingId) delete entry.hold;
  }

  async records(ids: readonly string[]): Promise<Map<string, ScheduleRecord>> {
    await tick();
    return new Map(ids.map((id) => {
      const { last, skipped, lastSkippedAt } = this.entry(id);
      return [id, { ...(last ? { last: structuredClone(last) } : {}), skipped, ...(lastSkippedAt ? { lastSkippedAt } : {}) }];
    }));
  }
}
