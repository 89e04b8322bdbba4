// Enqueue after the ack, bounded in time. When the queue answers in time the user is told
// "queued as job N" / "already queued as job N"; when it fails, "the job queue is unavailable:
// nothing was queued". When it is too slow the user is told so, and not to ask again yet: the
// enqueue goes on, and what it finally does is told too ("queued as job N after all", or "not
// queued after all"), so a slow Redis never leaves a job the user believes was not queued (and
// the idempotency key keeps a Slack retry to one job).
import type { Command } from '../../../core/commands/command.js';
import { acknowledgement, lateQueueOutcome, type QueueOutcome } from '../../../core/commands/replies.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import type { Clock } from '../../../core/ports/clock.js';
import type { Enqueued, JobQueue } from '../../../core/ports/job-queue.js';
import type { Logger } from 'pino';
import { deadlineLane } from './deadline-lane.js';
import type { Reply } from './slack-reply.js';

export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2_500;

export interface EnqueueRequest {
  queue: JobQueue;
  job: Job;
  key: string;
  timeoutMs: number;
  /** Times the wait for the queue's answer. */
  clock: Clock;
  logger: Logger;
  /** False when the queue's connection is down: nothing is sent, and the user is told so at once. */
  ready?: () => boolean;
}

const TIMED_OUT = Symbol('timed-out');

/** The `ready` of an EnqueueRequest from the bot's services, when they know it. */
export function readiness(services: { queueReady?(): boolean }): Pick<EnqueueRequest, 'ready'> {
  return services.queueReady ? { ready: () => services.queueReady!() } : {};
}

/** The outcome in time, or `slow`; `late` is told what a slow enqueue finally did. */
export async function enqueueInTime(request: EnqueueRequest, late: (outcome: QueueOutcome) => void): Promise<QueueOutcome> {
  const { queue, job, key, logger } = request;
  // Down, not slow: sending now would only wait for a reconnection and land whenever it comes.
  if (request.ready?.() === false) {
    logger.warn({ key }, 'queue connection down: nothing sent');
    return { kind: 'unavailable' };
  }
  const work = queue.enqueue(job, { idempotencyKey: key }).then(
    (enqueued: Enqueued): QueueOutcome => ({ kind: enqueued.created ? 'queued' : 'duplicate', jobId: enqueued.jobId }),
    (error: unknown): QueueOutcome => {
      logger.warn({ err: error, key }, 'enqueue failed');
      return { kind: 'unavailable' };
    },
  );
  const first = await new Promise<QueueOutcome | typeof TIMED_OUT>((resolve) => {
    const answered = deadlineLane(request.clock, request.timeoutMs).add(() => resolve(TIMED_OUT));
    void work.then((outcome) => {
      answered();
      resolve(outcome);
    });
  });
  if (first !== TIMED_OUT) return first;
  logger.warn({ key, timeoutMs: request.timeoutMs }, 'enqueue timed out');
  void work.then((outcome) => {
    logger.info({ key, outcome: outcome.kind }, 'slow enqueue settled');
    late(outcome);
  });
  return { kind: 'slow' };
}

/** Enqueues and tells the requester; what a slow enqueue finally did is told too. */
export async function enqueueAndTell(request: EnqueueRequest, command: Command, user: string, reply: Reply): Promise<QueueOutcome> {
  const outcome = await enqueueInTime(request, (late) => void reply(lateQueueOutcome(late)));
  await reply(acknowledgement(command, user, outcome));
  return outcome;
}
