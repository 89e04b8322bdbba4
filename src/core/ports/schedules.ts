// Ports of the scheduler: the queue that fires schedules (BullMQ job schedulers in production)
// and the record of each schedule's runs (Redis), shared by every worker.
import type { ScheduleOutcome } from '../schedules/schedule-handlers.js';

/** One BullMQ job scheduler as Nestor wants it, from the config (desired-schedulers.ts). */
export interface DesiredScheduler {
  /** `nestor:<env>:<name>`. */
  id: string;
  env: string;
  name: string;
  /** A five-field cron expression (macros written out: the queue's parser lacks some). */
  pattern: string;
  timeZone: string;
  /** What makes the scheduler move when it changes: kind, pattern and time zone. */
  spec: string;
}

export interface ReconcileResult {
  added: string[];
  moved: string[];
  removed: string[];
  kept: string[];
}

export interface ScheduleQueue {
  /**
   * Makes the queue's schedulers those of `desired`: adds the missing, moves the changed,
   * removes the others. One left as it is keeps its pending firing, even an overdue one.
   */
  reconcile(desired: readonly DesiredScheduler[]): Promise<ReconcileResult>;
  /** The next firing of each scheduler the queue holds, by scheduler id. */
  nextFirings(): Promise<Map<string, Date>>;
  /** Queues a firing of the schedule now, beside its scheduled ones; returns the firing's id. */
  fireNow(target: { env: string; name: string }, by: string): Promise<string>;
}

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ScheduleRun {
  firingId: string;
  trigger: 'schedule' | 'now';
  /** Who asked, for a run fired by hand. */
  by?: string;
  firedAt: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  outcome?: ScheduleOutcome;
  /** Why a failed run failed. */
  error?: string;
  /** Firings skipped because the previous run still ran, between the run before and this one. */
  skippedBefore: number;
}

export interface ScheduleRecord {
  /** The last run started (running, or finished). */
  last?: ScheduleRun;
  /** Firings skipped since the last run started. */
  skipped: number;
  lastSkippedAt?: string;
}

export type Begun =
  | { begun: 'run'; skippedBefore: number }
  /** Another firing of the same schedule runs: this one is skipped (counted). */
  | { begun: 'overlap'; running: string }
  /** This very firing already ran to its end (a redelivered job). */
  | { begun: 'done' };

export interface ScheduleRuns {
  /**
   * Atomically: skips the firing when another one of the schedule holds it, else takes the
   * schedule for `holdMs` and records the run as started. The same firing taking it again
   * (its worker died) goes on.
   */
  begin(scheduleId: string, run: ScheduleRun, holdMs: number): Promise<Begun>;
  /** Extends the hold while the run goes on; false when it was lost. */
  renew(scheduleId: string, firingId: string, holdMs: number): Promise<boolean>;
  /** Records the run's end and frees the schedule. */
  finish(scheduleId: string, run: ScheduleRun): Promise<void>;
  records(scheduleIds: readonly string[]): Promise<Map<string, ScheduleRecord>>;
}
