// The click on a datastore reset's confirmation (core/commands/replies/reset-replies.ts): only
// the person who asked may confirm; then the job is queued under the request's idempotency key,
// so a second click (or one on another copy) finds it queued already.
import { describeCommand, type DatastoreCommand } from '../../../core/commands/command.js';
import { refusal } from '../../../core/commands/replies.js';
import { resetCancelled } from '../../../core/commands/replies/reset-replies.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { DatastoreJob } from '../../../core/jobs/job-schema.js';
import { parseJob } from '../../../core/jobs/parse-job.js';
import type { BotServices } from './bot-services.js';
import { DEFAULT_ENQUEUE_TIMEOUT_MS, enqueueAndTell, readiness } from './enqueue-reply.js';
import { jobUser } from './job-of-command.js';
import type { Reply } from './slack-reply.js';

/** What the buttons carry: the request's idempotency key and its job. */
export const resetRequestValue = (key: string, job: DatastoreJob): string => JSON.stringify({ key, job });

function requestOf(value: string): { key: string; job: DatastoreJob } {
  const bad = new NestorError(ErrorCode.BadInput, 'this button does not hold a datastore reset');
  let data: { key?: unknown; job?: unknown };
  try {
    data = JSON.parse(value) as typeof data;
  } catch {
    throw bad;
  }
  const job = parseJob(data.job);
  if (typeof data.key !== 'string' || job.kind !== 'datastore' || job.action !== 'reset') throw bad;
  return { key: data.key, job };
}

const commandOf = (job: DatastoreJob): DatastoreCommand => ({
  kind: 'datastore', action: job.action, env: job.env, ...(job.datastore ? { datastore: job.datastore } : {}), ...(job.from ? { from: job.from } : {}),
});

export async function onResetConfirmation(services: BotServices, click: { confirm: boolean; value: string; by: { id: string; name: string } }, reply: Reply): Promise<void> {
  const { key, job } = requestOf(click.value);
  const command = commandOf(job);
  const log = services.logger.child({ user: jobUser(click.by), env: job.env, key });
  if (jobUser(click.by) !== job.user) {
    log.warn({ asked: job.user }, 'reset confirmation refused: not the requester');
    return reply(refusal(`only ${job.user}, who asked, can confirm ${describeCommand(command)}`, command));
  }
  if (!click.confirm) return reply(resetCancelled(command));
  const timeoutMs = services.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const outcome = await enqueueAndTell({ queue: services.queue, job, key, timeoutMs, clock: services.clock, logger: log, ...readiness(services) }, command, job.user, reply);
  log.info({ outcome: outcome.kind }, 'datastore reset confirmed');
}
