/**
 * Delayed controller work. In `real` mode tasks fire on timers; in `manual` mode only when a test
 * calls `advance` or `settle`. `settle` runs everything pending, in due order, in both modes.
 */
export type ClockMode = 'real' | 'manual';

interface Task {
  key: string;
  dueAt: number;
  seq: number;
  run: () => void;
  timer?: NodeJS.Timeout;
}

export class TaskScheduler {
  private readonly tasks = new Map<string, Task>();
  private virtualNow = 0;
  private seq = 0;
  private closed = false;

  constructor(readonly mode: ClockMode) {}

  private now(): number {
    return this.mode === 'real' ? Date.now() : this.virtualNow;
  }

  /** Schedules `run` after `delayMs`, replacing any pending task with the same key. */
  schedule(key: string, delayMs: number, run: () => void): void {
    if (this.closed) return;
    this.cancel(key);
    const task: Task = { key, dueAt: this.now() + Math.max(0, delayMs), seq: this.seq++, run };
    if (this.mode === 'real') {
      task.timer = setTimeout(() => this.fire(task), Math.max(0, delayMs));
      task.timer.unref();
    }
    this.tasks.set(key, task);
  }

  cancel(key: string): void {
    const existing = this.tasks.get(key);
    if (existing?.timer) clearTimeout(existing.timer);
    this.tasks.delete(key);
  }

  get pending(): number {
    return this.tasks.size;
  }

  private fire(task: Task): void {
    if (this.tasks.get(task.key) !== task) return;
    this.cancel(task.key);
    task.run();
  }

  private next(limit: number): Task | undefined {
    let best: Task | undefined;
    for (const task of this.tasks.values()) {
      if (task.dueAt > limit) continue;
      if (!best || task.dueAt < best.dueAt || (task.dueAt === best.dueAt && task.seq < best.seq)) best = task;
    }
    return best;
  }

  /** Runs tasks due within `ms` of virtual time (manual mode), including ones they schedule. */
  advance(ms: number): void {
    const limit = this.now() + ms;
    for (let task = this.next(limit); task; task = this.next(limit)) {
      if (this.mode === 'manual') this.virtualNow = Math.max(this.virtualNow, task.dueAt);
      this.fire(task);
    }
    if (this.mode === 'manual') this.virtualNow = limit;
  }

  /** Runs every pending task, and those they schedule, until nothing is left. */
  settle(maxTasks = 10_000): void {
    for (let ran = 0; this.tasks.size > 0; ran++) {
      if (ran >= maxTasks) throw new Error(`controllers did not settle after ${maxTasks} tasks`);
      const task = this.next(Number.POSITIVE_INFINITY);
      if (!task) return;
      if (this.mode === 'manual') this.virtualNow = Math.max(this.virtualNow, task.dueAt);
      this.fire(task);
    }
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.tasks.keys()]) this.cancel(key);
  }
}
