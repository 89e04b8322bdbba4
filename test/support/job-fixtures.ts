// Jobs and worker wiring for queue tests: payload builders, a recording progress sink, and
// runner deps over real time with short lock timings.
import { systemClock } from '../../src/adapters/system/system-clock.js';
import type { JobHandlers } from '../../src/core/jobs/job-handlers.js';
import type { DeployJob, Job, JobKind } from '../../src/core/jobs/job-schema.js';
import type { JobRunnerDeps, JobUpdate } from '../../src/core/jobs/run-job.js';
import type { JobOutcome } from '../../src/core/ports/job-queue.js';
import type { Locks } from '../../src/core/ports/locks.js';

export const slackOrigin = { kind: 'slack', channel: 'C012ABCDEF', ts: '1714557600.000100' } as const;

export function deployJob(overrides: Partial<DeployJob> = {}): DeployJob {
  return { kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', user: 'alice', trigger: 'user', origin: slackOrigin, ...overrides };
}

export function datastoreJob(env = 'dev3'): Job {
  return { kind: 'datastore', env, action: 'snapshot', user: 'bob', origin: { kind: 'cli' } };
}

export const done = (message = 'ok'): JobOutcome => ({ outcome: 'released', message });

/** Handlers that answer `done()` for every kind unless overridden. */
export function handlersWith(overrides: Partial<JobHandlers> = {}): JobHandlers {
  const ok = async (): Promise<JobOutcome> => done();
  const kinds: readonly JobKind[] = ['deploy', 'rollback', 'scale', 'config-set', 'config-unset', 'datastore'];
  return { ...(Object.fromEntries(kinds.map((k) => [k, ok])) as unknown as JobHandlers), ...overrides };
}

export class RecordingSink {
  readonly updates: JobUpdate[] = [];
  readonly sink = (update: JobUpdate): void => void this.updates.push(update);

  of(jobId: string, type?: JobUpdate['type']): JobUpdate[] {
    return this.updates.filter((u) => u.jobId === jobId && (type === undefined || u.type === type));
  }

  /** The messages of `waiting` events of a job. */
  waiting(jobId: string): string[] {
    return this.of(jobId, 'event').flatMap((u) => (u.type === 'event' && u.event.type === 'waiting' ? [u.event.message] : []));
  }
}

export function runnerDeps(locks: Locks, handlers: JobHandlers, sink: RecordingSink, lock = { ttlMs: 2_000, waitMs: 20_000, pollMs: 20 }): JobRunnerDeps {
  return {
    handlers, locks, progress: sink.sink, lock,
    clock: systemClock,
  };
}
