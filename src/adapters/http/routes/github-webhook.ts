// POST /api/v1/github: GitHub's webhook, signed with the secret of NESTOR_GITHUB_WEBHOOK_SECRET
// (checked by @octokit/webhooks over the body as received: a forged or missing signature is a
// 401). A completed, successful `workflow_run` or `check_suite` on a branch of a repository named
// like an app is that app's CI success (as POST /api/v1/ci/success, source github). A delivery id
// seen before is refused (409), whichever API process saw it: a replay queues nothing.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isNestorError } from '../../../core/errors.js';
import { sendError } from '../api-errors.js';
import { Accepted, ErrorBody, enqueueFromApi } from '../api-jobs.js';
import type { ApiServices } from '../api-services.js';
import { checkKnownApp, ciSuccessJob, type CiSuccess } from './ci-success.js';

const GithubHeaders = Type.Object({
  'x-github-event': Type.String({ pattern: '^[a-z_]{1,64}$', description: 'the event name' }),
  'x-github-delivery': Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'the delivery id' }),
  'x-hub-signature-256': Type.Optional(Type.String({ maxLength: 100 })),
});
const Ignored = Type.Object({ ignored: Type.String() }, { description: 'received, nothing to do' });

interface RunOnBranch {
  action?: string;
  workflow_run?: { conclusion?: string | null; head_branch?: string | null; head_sha?: string };
  check_suite?: { conclusion?: string | null; head_branch?: string | null; head_sha?: string };
  repository?: { name?: string };
}

/** The CI success an event tells, or why it tells none. */
function successOf(event: string, payload: RunOnBranch): CiSuccess | string {
  const run = event === 'workflow_run' ? payload.workflow_run : event === 'check_suite' ? payload.check_suite : undefined;
  if (!run) return `${event} events are not CI results`;
  if (payload.action !== 'completed' || run.conclusion !== 'success') return `${event} not completed with success`;
  if (!run.head_branch || !run.head_sha || !payload.repository?.name) return `${event} without a branch`;
  return { app: payload.repository.name, branch: run.head_branch, sha: run.head_sha };
}

export function githubWebhookRoute(server: FastifyInstance, services: ApiServices): void {
  void server.register(async (scope) => {
    // The signature is over the body as sent: it is kept as text, and parsed once verified.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/api/v1/github', {
      schema: {
        summary: 'GitHub webhook: a successful workflow_run or check_suite on a branch is a CI success (signed with NESTOR_GITHUB_WEBHOOK_SECRET)',
        headers: GithubHeaders, response: { 200: Ignored, 202: Accepted, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
    }, async (request, reply) => receive(services, request.headers as Record<string, string>, String(request.body ?? ''), reply));
  });
}

async function receive(services: ApiServices, headers: Record<string, string>, body: string, reply: FastifyReply): Promise<FastifyReply> {
  const log = reply.log;
  if (!services.github) return sendError(reply, 404, 'GitHub webhooks are not set up here: set NESTOR_GITHUB_WEBHOOK_SECRET');
  const signature = headers['x-hub-signature-256'];
  const delivery = headers['x-github-delivery'] ?? '';
  const event = headers['x-github-event'] ?? '';
  if (!signature || !(await services.github.webhooks.verify(body, signature).catch(() => false))) {
    log.warn({ delivery, event }, 'github webhook refused: bad signature');
    return sendError(reply, 401, 'invalid or missing X-Hub-Signature-256: not signed with the webhook secret');
  }
  let payload: RunOnBranch;
  try {
    payload = JSON.parse(body) as RunOnBranch;
  } catch {
    return sendError(reply, 400, 'body: not valid JSON');
  }
  const success = successOf(event, payload);
  if (typeof success === 'string') return reply.code(200).send({ ignored: success });
  try {
    checkKnownApp((await services.config.load()).tree, success.app);
  } catch (error) {
    if (isNestorError(error)) return reply.code(200).send({ ignored: error.userMessage });
    throw error;
  }
  if (!(await services.github.deliveries.first(delivery))) {
    log.warn({ delivery, event }, 'github webhook refused: delivery replayed');
    return sendError(reply, 409, `delivery ${delivery} was received before: ignored`);
  }
  try {
    const queued = await enqueueFromApi(services, ciSuccessJob(success, { source: 'github', user: 'github', deliveryId: delivery }), `github-${delivery}`);
    log.info({ delivery, event, app: success.app, branch: success.branch, sha: success.sha, jobId: queued.jobId }, 'github ci success queued');
    return reply.code(202).send(queued);
  } catch (error) {
    // Not queued: GitHub's redelivery of it must be taken.
    await services.github.deliveries.forget(delivery).catch(() => undefined);
    throw error;
  }
}
