// Job progress as metrics: a ProgressSink that times each job attempt and each of its stages and
// counts how its rollout ended, then passes every update on. A job deferred while its app and
// environment were busy comes back without a new `started`: it is timed from when this process
// sees it again.
import type { Clock } from '../ports/clock.js';
import { RolloutOutcome, type Metrics } from '../ports/metrics.js';
import { Stage } from '../release/events.js';
import { ReleaseOutcome } from '../release/release-deps.js';
import type { JobUpdate, ProgressSink } from './run-job.js';

interface Attempt {
  startedAt: number;
  /** When each stage under way began. */
  stages: Map<string, number>;
  /** How the job's first rollout ended (a rollback's own rollout comes after, and is not it). */
  rollout?: 'finished' | 'failed';
}

/** Jobs followed at once at most: a deferred job that ends in another process leaves its entry here. */
const MAX_TRACKED = 10_000;

export function jobMetricsSink(metrics: Metrics, clock: Clock, next: ProgressSink): ProgressSink {
  const attempts = new Map<string, Attempt>();
  const attemptOf = (jobId: string, restart: boolean): Attempt => {
    let attempt = attempts.get(jobId);
    if (!attempt || restart) {
      attempt = { startedAt: clock.now(), stages: new Map() };
      attempts.delete(jobId);
      attempts.set(jobId, attempt);
      if (attempts.size > MAX_TRACKED) attempts.delete(attempts.keys().next().value!);
    }
    return attempt;
  };
  const seconds = (since: number): number => Math.max(0, clock.now() - since) / 1000;
  const end = (update: JobUpdate, attempt: Attempt, outcome: string, rolledBack: boolean): void => {
    attempts.delete(update.jobId);
    metrics.jobEnded(update.job.kind, outcome, seconds(attempt.startedAt));
    if (attempt.rollout === 'finished') metrics.rolloutEnded(RolloutOutcome.Succeeded);
    else if (attempt.rollout === 'failed') metrics.rolloutEnded(rolledBack ? RolloutOutcome.RolledBack : RolloutOutcome.Failed);
  };
  return (update) => {
    try {
      const attempt = attemptOf(update.jobId, update.type === 'started');
      if (update.type === 'event' && update.event.type === 'stage') {
        const { stage, status } = update.event;
        if (status === 'started') attempt.stages.set(stage, clock.now());
        else {
          const began = attempt.stages.get(stage);
          attempt.stages.delete(stage);
          if (began !== undefined) metrics.stepEnded(update.job.kind, stage, seconds(began));
          if (stage === Stage.Rollout && attempt.rollout === undefined && status !== 'skipped') attempt.rollout = status;
        }
      } else if (update.type === 'completed') {
        end(update, attempt, update.result.outcome, update.result.outcome === ReleaseOutcome.RolledBack);
      } else if (update.type === 'failed') {
        end(update, attempt, update.final ? 'error' : 'retrying', false);
      }
    } finally {
      next(update);
    }
  };
}
