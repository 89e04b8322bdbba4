// Enqueue after the ack, bounded in time. When the queue answers in time the user is told
// "queued as job N" / "already queued as job N"; when it fails or is too slow, "the job queue is
// unavailable". A slow enqueue that still lands afterwards is not silent: the user is told
// "queued as job N after all" (and the idempotency key keeps it to one job).
import type { Command } from '../../../core/commands/command.js';
import { acknowledgement, message, type QueueOutcome } from '../../../core/commands/replies.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import type { Enqueued, JobQueue } from '../../../core/ports/job-queue.js';
import type { Logger } from 'pino';
import type { Reply } from './slack-reply.js';

export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2_500;

export interface EnqueueRequest {
  queue: JobQueue;
  job: Job;
  key: string;
  timeoutMs: number;
  logger: Logger;
}

const TIMED_OUT = Symbol('timed-out');

/** The outcome in time, or `unavailable`; `late` is told what a slow enqueue finally did. */
export async function enqueueInTime(request: EnqueueRequest, late: (outcome: QueueOutcome) => void): Promise<QueueOutcome> {
  const { queue, job, key, logger } = request;
  let timedOut = false;
  const work = queue.enqueue(job, { idempotencyKey: key }).then(
    (enqueued: Enqueued): QueueOutcome => ({ kind: enqueued.created ? 'queued' : 'duplicate', jobId: enqueued.jobId }),
    (error: unknown): QueueOutcome => {
      logger.warn({ err: error, key }, 'enqueue failed');
      return { kind: 'unavailable' };
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), request.timeoutMs);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (first !== TIMED_OUT) return first;
  timedOut = true;
  logger.warn({ key, timeoutMs: request.timeoutMs }, 'enqueue timed out');
  void work.then((outcome) => {
    if (timedOut && outcome.kind !== 'unavailable') late(outcome);
  });
  return { kind: 'unavailable' };
}

/** Enqueues and tells the requester; a late success is told too. */
export async function enqueueAndTell(request: EnqueueRequest, command: Command, user: string, reply: Reply): Promise<QueueOutcome> {
  const late = (outcome: QueueOutcome): void => {
    const jobId = 'jobId' in outcome ? outcome.jobId : '?';
    void reply(message({ visibility: 'ephemeral', tone: 'queued', title: 'Queued after all', summary: `the queue was slow but took it: queued as job ${jobId}` }));
  };
  const outcome = await enqueueInTime(request, late);
  await reply(acknowledgement(command, user, outcome));
  return outcome;
}
