// The demo world's scheduler (`nestor shell`): no Redis and no worker, so the world's schedules
// live in this process. They are put on an in-memory queue as a worker would (`schedules` shows
// them with their next firing), and `schedule run` runs a firing at once through the same
// runFiring as a worker, with the handlers the shell gives (the kinds it has none for fail as
// not available).
import { systemClock } from '../adapters/system/system-clock.js';
import type { ScheduleBackend } from '../adapters/cli/cli-context.js';
import { FolderConfigSource } from '../adapters/fs/folder-config-source.js';
import { allSchedules } from '../core/config/index.js';
import { scheduleHandlers, type ScheduleHandlers } from '../core/schedules/schedule-handlers.js';
import { ScheduleReconciler } from '../core/schedules/schedule-reconciler.js';
import type { DemoWorld } from './demo-world.js';
import { MemoryScheduleQueue } from './fakes/memory/memory-schedule-queue.js';
import { MemoryScheduleRuns } from './fakes/memory/memory-schedule-runs.js';

const worlds = new WeakMap<DemoWorld, { backend: ScheduleBackend; reconciler: ScheduleReconciler }>();

export type ShellHandlers = (runs: MemoryScheduleRuns) => Partial<ScheduleHandlers>;

/**
 * The world's one scheduler, reconciled with its config (changed by `config set`, say) at each
 * use; `handlers` is read when the world's scheduler is first made.
 */
export async function shellSchedules(world: DemoWorld, handlers: ShellHandlers = () => ({})): Promise<ScheduleBackend> {
  let found = worlds.get(world);
  if (!found) {
    const config = new FolderConfigSource(world.configDir);
    const runs = new MemoryScheduleRuns(systemClock);
    const queue = new MemoryScheduleQueue({ handlers: scheduleHandlers(handlers(runs)), runs, clock: systemClock, schedules: async () => allSchedules((await config.load()).tree) });
    found = { backend: { config, queue, runs, inProcess: true, close: async () => undefined }, reconciler: new ScheduleReconciler({ config, queue }) };
    worlds.set(world, found);
  }
  await found.reconciler.check();
  return found.backend;
}
