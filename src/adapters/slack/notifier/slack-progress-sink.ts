// The worker's ProgressSink for Slack: one JobNotifier per job whose origin is a Slack
// conversation (other origins are ignored). Every call returns at once: the deploy never waits on
// Slack. `flush()` delivers what is pending (skipping the pacing, never a Retry-After) and
// resolves once every job's messages are delivered or given up: for shutdown and tests.
import type { webApi } from '@slack/bolt';
import type { JobUpdate, ProgressSink } from '../../../core/jobs/run-job.js';
import type { DeliveryObserver } from './delivery-report.js';
import { JobNotifier, type JobNotifierDeps } from './job-notifier.js';
import type { ProgressMessages } from './progress-messages.js';
import { systemClock } from '../../system/system-clock.js';
import type { Clock } from '../../../core/ports/clock.js';
import { DEFAULT_NOTIFIER_TUNING, type NotifierTuning } from './tuning.js';

export interface SlackProgressSinkDeps {
  /** Built in main/, ideally with NOTIFIER_CLIENT_OPTIONS. */
  slack: webApi.WebClient;
  clock?: Clock;
  tuning?: Partial<NotifierTuning>;
  /** Deliveries, retries and give-ups, e.g. logDeliveries(logger). */
  observe?: DeliveryObserver;
  /** Status messages shared with the other workers (e.g. RedisProgressMessages): without it, a
   * job taken over by another worker gets a second message. */
  messages?: ProgressMessages;
  /** For the backoff jitter; Math.random by default. */
  random?: () => number;
  /** Called when handling an update throws (a bug) or the shared store fails: the sink itself never throws. */
  onError?: (error: unknown) => void;
}

export type SlackProgressSink = ProgressSink & {
  /** Resolves when every pending message is delivered or given up. */
  flush(): Promise<void>;
  /** Stops every retry and wait at once (after a flush that took too long). */
  close(): void;
  /** The process stops with jobs still running: each status message says `note`; then flush. */
  interrupt(note: string): void;
};

/** Status messages of jobs that failed and will be retried, so a later attempt edits the same one. */
const REMEMBERED_JOBS = 1_000;

export function createSlackProgressSink(deps: SlackProgressSinkDeps): SlackProgressSink {
  const notifierDeps: JobNotifierDeps = {
    slack: deps.slack,
    clock: deps.clock ?? systemClock,
    tuning: { ...DEFAULT_NOTIFIER_TUNING, ...deps.tuning },
    random: deps.random ?? Math.random,
    observe: deps.observe ?? (() => undefined),
    ...(deps.messages ? { messages: deps.messages } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  };
  const jobs = new Map<string, JobNotifier>();
  const remembered = new Map<string, string>();

  const notifierFor = (update: JobUpdate): JobNotifier | undefined => {
    const { origin } = update.job;
    if (origin.kind !== 'slack') return undefined;
    let notifier = jobs.get(update.jobId);
    if (notifier === undefined) {
      notifier = new JobNotifier(origin, update.jobId, update.job, notifierDeps, remembered.get(update.jobId));
      jobs.set(update.jobId, notifier);
    }
    return notifier;
  };

  /** Once a job's last state is out (or given up), forget it; keep its ts if it will be retried. */
  const release = (jobId: string, notifier: JobNotifier): void => {
    void notifier.idle().then(() => {
      if (notifier.busy || !notifier.hasEnded || jobs.get(jobId) !== notifier) return;
      jobs.delete(jobId);
      if (notifier.isFinal || notifier.messageTs === undefined) return void remembered.delete(jobId);
      remembered.set(jobId, notifier.messageTs);
      if (remembered.size > REMEMBERED_JOBS) remembered.delete(remembered.keys().next().value!);
    });
  };

  const sink = (update: JobUpdate): void => {
    try {
      const notifier = notifierFor(update);
      if (notifier === undefined) return;
      notifier.update(update);
      if (update.type === 'completed' || update.type === 'failed') release(update.jobId, notifier);
    } catch (error) {
      deps.onError?.(error);
    }
  };

  const flush = async (): Promise<void> => {
    for (let busy = [...jobs.values()].filter((n) => n.busy); busy.length > 0; busy = [...jobs.values()].filter((n) => n.busy)) {
      for (const n of busy) n.hurry();
      await Promise.all(busy.map((n) => n.idle()));
    }
  };

  const close = (): void => {
    for (const n of jobs.values()) n.close();
    jobs.clear();
  };

  const interrupt = (note: string): void => {
    for (const n of jobs.values()) n.interrupt(note);
  };

  return Object.assign(sink, { flush, close, interrupt });
}
