// POST /api/v1/ci/success {app, branch, sha}: CI says a commit passed its tests; a `ci-success`
// job takes it down the branch workflow. Also what a GitHub webhook becomes (github-webhook.ts).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { appsOf, type ConfigTree } from '../../../core/config/index.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { CiSuccessJob, type Job } from '../../../core/jobs/job-schema.js';
import { closestWord } from '../../../core/text/did-you-mean.js';
import { allowed } from '../api-auth.js';
import { API_ORIGIN, Accepted, ErrorBody, IdempotencyHeaders, enqueueFromApi, requestKey } from '../api-jobs.js';
import type { ApiServices } from '../api-services.js';

const { app, branch, sha } = CiSuccessJob.properties;
export const CiSuccessBody = Type.Object({ app, branch, sha }, { additionalProperties: false });
export type CiSuccess = Static<typeof CiSuccessBody>;

/** Unknown to every environment of the config: 404, nothing queued. */
export function checkKnownApp(tree: ConfigTree, name: string): void {
  const apps = [...new Set([...tree.environments.keys()].flatMap((env) => appsOf(tree, env)))];
  if (apps.includes(name)) return;
  const guess = closestWord(name, apps);
  throw new NestorError(ErrorCode.ConfigNotFound, `unknown app "${name}": no environment has a file for it${guess ? `; did you mean "${guess}"?` : ''}`);
}

export function ciSuccessJob(success: CiSuccess, by: { source: 'api' | 'github'; user: string; deliveryId?: string }): Job {
  return { kind: 'ci-success', ...success, source: by.source, ...(by.deliveryId ? { deliveryId: by.deliveryId } : {}), user: by.user, origin: API_ORIGIN };
}

export function ciSuccessRoute(server: FastifyInstance, services: ApiServices): void {
  server.post('/api/v1/ci/success', {
    config: { action: 'ci' },
    schema: {
      summary: 'a commit of an app passed CI on a branch: queue its branch workflow',
      headers: IdempotencyHeaders, body: CiSuccessBody, response: { 202: Accepted, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody },
    },
  }, async (request, reply) => {
    const token = allowed(request, reply);
    if (!token) return reply;
    const success = request.body as CiSuccess;
    checkKnownApp((await services.config.load()).tree, success.app);
    const queued = await enqueueFromApi(services, ciSuccessJob(success, { source: 'api', user: token.name }), requestKey(request, token.name));
    request.log.info({ app: success.app, branch: success.branch, sha: success.sha, jobId: queued.jobId, created: queued.created }, 'ci success queued');
    return reply.code(202).send(queued);
  });
}
