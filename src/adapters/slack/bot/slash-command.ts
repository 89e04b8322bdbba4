// What `/nestor ...` does once acknowledged: answer reading commands directly; queue the report
// and the datastore listing (they read clusters and stores, which only workers may); for a change, authorize against the environment's
// config (a refusal says why, nothing is queued), then either ask for approval (environments with
// `approval`) or enqueue. A job is queued under the Slack request's idempotency key, and the
// requester is told what became of it.
import { authorize, resolvePolicy, unresolvedOf, type Actor } from '../../../core/commands/authorize.js';
import { describeUnresolved } from '../../../core/commands/people.js';
import { commandEnv, describeCommand, isMutating, type Command, type DatastoreListCommand, type ReportCommand } from '../../../core/commands/command.js';
import { refusal } from '../../../core/commands/replies.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import { parseJob } from '../../../core/jobs/parse-job.js';
import type { Logger } from 'pino';
import { askApproval, type SlackClient } from './approval-request.js';
import type { BotServices } from './bot-services.js';
import { DEFAULT_ENQUEUE_TIMEOUT_MS, enqueueAndTell, readiness } from './enqueue-reply.js';
import { infoAnswer, isInfo } from '../../../core/commands/info-answers.js';
import { jobOfCommand, jobUser, requestKey } from './job-of-command.js';
import type { Reply } from './slack-reply.js';
import { resetRequestValue } from './reset-confirmation.js';
import { resetConfirmation } from '../../../core/commands/replies/reset-replies.js';

export interface SlashRequest {
  team: string;
  channel: string;
  user: { id: string; name: string };
  triggerId: string;
}

export async function runSlashCommand(services: BotServices, client: SlackClient, request: SlashRequest, command: Command, reply: Reply): Promise<void> {
  if (isInfo(command)) return reply(await infoAnswer(services, command));
  if (command.kind === 'report' || command.kind === 'datastore-list') return queueReading(services, request, command, reply);
  if (!isMutating(command)) return reply(refusal(`\`${command.kind.replace('-', ' ')}\` is not available from Slack yet: use \`nestor ${describeCommand(command)}\` in a terminal`, command));
  const env = commandEnv(command) ?? '';
  const user = jobUser(request.user);
  const log = services.logger.child({ user, env, ...('app' in command ? { app: command.app } : {}) });
  const job = parseJob(jobOfCommand(command, user, { kind: 'slack', team: request.team, channel: request.channel }));
  const actor: Actor = { ...request.user, teams: (await services.teamsOf?.(request.user.id)) ?? [] };
  const policy = await resolvePolicy(await services.policyOf(env), services.people);
  const unresolved = unresolvedOf(policy);
  if (unresolved.length > 0) log.warn({ unresolved: describeUnresolved(unresolved) }, 'config names people Slack does not know: they are granted nothing');
  const decision = authorize(policy, actor, command);
  const key = requestKey(request.team, request.triggerId);
  if (decision.kind === 'refused') {
    log.warn({ reason: decision.reason }, 'command refused');
    return reply(refusal(decision.reason, command));
  }
  if (decision.kind === 'needs-approval') {
    const ask = { id: key, command, job, requester: actor, approvers: decision.approvers, unresolved: decision.unresolved, expiresMinutes: decision.expiresMinutes, channel: request.channel };
    return askApproval({ ...services, logger: log }, client, ask, reply);
  }
  if (command.kind === 'datastore' && command.action === 'reset' && job.kind === 'datastore') return reply(resetConfirmation(command, resetRequestValue(key, job)));
  await queueJob(services, { job, key, command, user, log }, reply);
}

/** Anyone may ask for a report or a datastore listing: they only read. Its environment must exist; nothing else is checked here. */
async function queueReading(services: BotServices, request: SlashRequest, command: ReportCommand | DatastoreListCommand, reply: Reply): Promise<void> {
  const { env } = command;
  if (env !== undefined) await services.policyOf(env);
  const user = jobUser(request.user);
  const origin = { kind: 'slack', team: request.team, channel: request.channel } as const;
  const job = parseJob(command.kind === 'report' ? { kind: 'report', ...(env === undefined ? {} : { env }), user, origin } : { kind: 'datastore-list', env: command.env, user, origin });
  const log = services.logger.child({ user, ...(env === undefined ? {} : { env }) });
  await queueJob(services, { job, key: requestKey(request.team, request.triggerId), command, user, log }, reply);
}

async function queueJob(services: BotServices, queued: { job: Job; key: string; command: Command; user: string; log: Logger }, reply: Reply): Promise<void> {
  const { job, key, command, user, log } = queued;
  const outcome = await enqueueAndTell({ queue: services.queue, job, key, timeoutMs: services.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS, clock: services.clock, logger: log, ...readiness(services) }, command, user, reply);
  log.info({ outcome: outcome.kind, ...('jobId' in outcome ? { jobId: outcome.jobId } : {}) }, 'command handled');
}
