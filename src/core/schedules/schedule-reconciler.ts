// Keeps the queue's job schedulers equal to the config's schedules: at a worker's start, then at
// each check (the worker checks periodically). A check whose config is the one reconciled last
// (config sources hand back the same object while the config is unchanged) costs only the load.
import type { ConfigSource, LoadedConfig } from '../ports/config-source.js';
import type { ReconcileResult, ScheduleQueue } from '../ports/schedules.js';
import { desiredSchedulers } from './desired-schedulers.js';

export class ScheduleReconciler {
  private reconciled: LoadedConfig | undefined;
  private running: Promise<ReconcileResult | undefined> | undefined;

  constructor(private readonly deps: { config: ConfigSource; queue: ScheduleQueue }) {}

  /** Reconciles when the config changed since the last reconcile; undefined when it did not. */
  check(): Promise<ReconcileResult | undefined> {
    // One at a time: a check arriving during one shares it.
    this.running ??= this.reconcileIfChanged().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async reconcileIfChanged(): Promise<ReconcileResult | undefined> {
    const loaded = await this.deps.config.load();
    if (loaded === this.reconciled) return undefined;
    const result = await this.deps.queue.reconcile(desiredSchedulers(loaded.tree));
    this.reconciled = loaded;
    return result;
  }
}
