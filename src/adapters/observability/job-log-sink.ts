// Job progress as logs: one pino child logger per job carrying its id, kind, app, environment
// and requester, a line when an attempt starts, ends and fails (with its duration), its stages at
// debug level. Constant messages, data in fields; job data holds no secret values (see
// job-schema.ts), and the logger redacts secrets by path anyway.
import type { Logger } from 'pino';
import { describeJob, jobScope } from '../../core/jobs/job-schema.js';
import type { JobUpdate, ProgressSink } from '../../core/jobs/run-job.js';
import type { Clock } from '../../core/ports/clock.js';

interface Followed {
  log: Logger;
  startedAt: number;
}

/** Jobs followed at once at most (a job deferred here may end in another process). */
const MAX_FOLLOWED = 10_000;

export function jobLogSink(logger: Logger, clock: Clock, next: ProgressSink): ProgressSink {
  const jobs = new Map<string, Followed>();
  const follow = (update: JobUpdate): Followed => {
    const known = jobs.get(update.jobId);
    if (known && update.type !== 'started') return known;
    const { job } = update;
    const scope = jobScope(job);
    const log = logger.child({
      jobId: update.jobId, kind: job.kind, ...(scope.app ? { app: scope.app } : {}), ...(scope.env ? { env: scope.env } : {}), requester: job.user,
    });
    const followed = { log, startedAt: clock.now() };
    jobs.delete(update.jobId);
    jobs.set(update.jobId, followed);
    if (jobs.size > MAX_FOLLOWED) jobs.delete(jobs.keys().next().value!);
    return followed;
  };
  return (update) => {
    try {
      const { log, startedAt } = follow(update);
      const durationMs = clock.now() - startedAt;
      if (update.type === 'started') {
        log.info({ attempt: update.attempt, operation: describeJob(update.job) }, 'job started');
      } else if (update.type === 'event') {
        if (update.event.type === 'stage') log.debug({ stage: update.event.stage, status: update.event.status }, 'job stage');
      } else if (update.type === 'completed') {
        jobs.delete(update.jobId);
        const { outcome, commit, historyPending } = update.result;
        log.info({ attempt: update.attempt, outcome, durationMs, ...(commit ? { commit } : {}), ...(historyPending ? { historyPending } : {}) }, 'job ended');
      } else {
        jobs.delete(update.jobId);
        const fields = { attempt: update.attempt, final: update.final, durationMs, error: update.message, ...(update.code ? { code: update.code } : {}) };
        if (update.final) log.error(fields, 'job failed');
        else log.warn(fields, 'job failed: retrying');
      }
    } finally {
      next(update);
    }
  };
}
