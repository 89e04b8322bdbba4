// POST /api/v1/github: GitHub's webhook, signed with the secret of NESTOR_GITHUB_WEBHOOK_SECRET
// (checked by @octokit/webhooks over the body as received: a forged or missing signature is a
// 401). A completed, successful `workflow_run` or `check_suite` on a branch of an app's
// repository (its `git.origin`, else the app named like the repository) is that app's CI success
// (as POST /api/v1/ci/success, source github). A delivery id seen before is refused (409),
// whichever API process saw it: a replay queues nothing.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ConfigTree } from '../../../core/config/index.js';
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
  repository?: { name?: string; full_name?: string };
}

/** `owner/name` of a git URL (`git@github.com:acme/mary.git`, `https://github.com/acme/mary`), lower case. */
function repositoryPath(origin: string): string {
  return origin.replace(/\.git$/, '').replace(/\/+$/, '').split(/[/:]/).slice(-2).join('/').toLowerCase();
}

/** The app whose `git.origin` is the repository, in any environment's app file; else the app named like the repository. */
export function appOfRepository(tree: ConfigTree, repository: { name: string; full_name?: string }): string {
  const wanted = repository.full_name?.toLowerCase();
  for (const node of wanted ? tree.environments.values() : []) {
    for (const [app, file] of node.apps) {
      const origin = (file.data['git'] as { origin?: unknown } | undefined)?.origin;
      if (typeof origin === 'string' && repositoryPath(origin) === wanted) return app;
    }
  }
  return repository.name;
}

/** The CI success an event tells, or why it tells none. */
function successOf(tree: ConfigTree, event: string, payload: RunOnBranch): CiSuccess | string {
  const run = event === 'workflow_run' ? payload.workflow_run : event === 'check_suite' ? payload.check_suite : undefined;
  if (!run) return `${event} events are not CI results`;
  if (payload.action !== 'completed' || run.conclusion !== 'success') return `${event} not completed with success`;
  if (!run.head_branch || !run.head_sha || !payload.repository?.name) return `${event} without a branch`;
  const { name, full_name } = payload.repository;
  return { app: appOfRepository(tree, { name, ...(full_name ? { full_name } : {}) }), branch: run.head_branch, sha: run.head_sha };
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
  const { tree } = await services.config.load();
  const success = successOf(tree, event, payload);
  if (typeof success === 'string') return reply.code(200).send({ ignored: success });
  try {
    checkKnownApp(tree, success.app);
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
