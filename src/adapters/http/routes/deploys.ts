// POST /api/v1/deploys {app, ref, env}: the chat's deploy with the chat's rules. The token acts
// for its `user` (a Slack member: the environment's `access` and `approval` apply to them as in
// Slack), else for itself, a requester no `access` list names. An environment with `approval`
// gets the Slack approval request posted in its release channel (202 with where it is); any
// other is queued (202 with the job).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authorize, resolvePolicy, unresolvedOf, type Actor } from '../../../core/commands/authorize.js';
import type { DeployCommand } from '../../../core/commands/command.js';
import { describeUnresolved } from '../../../core/commands/people.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { DeployJob } from '../../../core/jobs/job-schema.js';
import { parseJob } from '../../../core/jobs/parse-job.js';
import { approvedJobKey } from '../../slack/bot/approval-follow-up.js';
import { askApproval } from '../../slack/bot/approval-request.js';
import { jobOfCommand, jobUser } from '../../slack/bot/job-of-command.js';
import { allowed } from '../api-auth.js';
import { sendError } from '../api-errors.js';
import { API_ORIGIN, Accepted, ErrorBody, IdempotencyHeaders, enqueueFromApi, requestKey } from '../api-jobs.js';
import type { ApiServices } from '../api-services.js';
import type { ApiToken } from '../api-tokens.js';

const { app, env, ref } = DeployJob.properties;
const DeployBody = Type.Object({ app, ref, env }, { additionalProperties: false });

const ApprovalAsked = Type.Object({
  approval: Type.Object({
    id: Type.String(),
    state: Type.String({ description: 'pending, or what became of a request asked before under the same key' }),
    approvers: Type.Array(Type.String()),
    expiresMinutes: Type.Number(),
    jobId: Type.String({ description: 'the job queued once someone approves (GET /api/v1/jobs/{id}: 404 until then)' }),
    messages: Type.Array(Type.Object({ channel: Type.String(), ts: Type.String(), permalink: Type.Optional(Type.String()) }), { description: 'where Slack shows it' }),
  }),
}, { description: 'waiting for approval in Slack: nothing queued' });

async function actorOf(services: ApiServices, token: ApiToken): Promise<Actor> {
  if (token.user === undefined) return { id: `api:${token.name}`, name: token.name, teams: [] };
  const found = await services.people.lookup(token.user);
  if ('missing' in found) throw new NestorError(ErrorCode.NotAuthorized, `token ${token.name} acts for @${token.user}, who is ${found.missing}`);
  return { ...found.person, teams: (await services.teamsOf?.(found.person.id)) ?? [] };
}

async function permalink(services: ApiServices, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await services.slack.chat.getPermalink({ channel, message_ts: ts })).permalink;
  } catch {
    return undefined;
  }
}

export function deploysRoute(server: FastifyInstance, services: ApiServices): void {
  server.post('/api/v1/deploys', {
    config: { action: 'deploy' },
    schema: {
      summary: 'deploy a ref of an app to an environment, with the rules of the chat deploy (access, approval in Slack)',
      headers: IdempotencyHeaders, body: DeployBody,
      response: { 202: Type.Union([Accepted, ApprovalAsked]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const body = request.body as Static<typeof DeployBody>;
    const token = allowed(request, reply, body.env);
    if (!token) return reply;
    const command: DeployCommand = { kind: 'deploy', ...body };
    const actor = await actorOf(services, token);
    const user = jobUser(actor);
    const log = services.logger.child({ reqId: request.id, user, app: body.app, env: body.env });
    const job = parseJob(jobOfCommand(command, user, API_ORIGIN));
    const policy = await resolvePolicy(await services.policyOf(body.env), services.people);
    const unresolved = unresolvedOf(policy);
    if (unresolved.length > 0) log.warn({ unresolved: describeUnresolved(unresolved) }, 'config names people Slack does not know: they are granted nothing');
    const decision = authorize(policy, actor, command);
    const key = requestKey(request, token.name);
    if (decision.kind === 'refused') {
      log.warn({ reason: decision.reason }, 'deploy refused');
      return sendError(reply, 403, decision.reason);
    }
    if (decision.kind === 'needs-approval') {
      const ask = { id: key, command, job, requester: actor, approvers: decision.approvers, unresolved: decision.unresolved, expiresMinutes: decision.expiresMinutes, channel: '' };
      await askApproval({ ...services, logger: log }, services.slack, ask, async () => undefined);
      const [stored, posting] = await Promise.all([services.approvals.get(key), services.postings.get(key)]);
      const messages = await Promise.all((posting?.copies ?? []).map(async (c) => ({ ...c, ...withPermalink(await permalink(services, c.channel, c.ts)) })));
      return reply.code(202).send({
        approval: { id: key, state: stored?.state ?? 'pending', approvers: decision.approvers.map((p) => p.name), expiresMinutes: decision.expiresMinutes, jobId: approvedJobKey(key), messages },
      });
    }
    const queued = await enqueueFromApi(services, job, key);
    log.info({ jobId: queued.jobId, created: queued.created }, 'deploy queued');
    return reply.code(202).send(queued);
  });
}

const withPermalink = (link: string | undefined): { permalink?: string } => (link ? { permalink: link } : {});
