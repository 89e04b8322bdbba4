// What the API reads (token action `read`): a job (state, steps, outcome), an app's releases
// (as `nestor history`), and what runs where (as `envs` and `status`). Environments out of the
// token's scope are refused when named, and left out of listings.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { environmentRows, envsOfApp } from '../../../core/commands/info-answers.js';
import { unknownEnvironment } from '../../../core/commands/environment-policy.js';
import { appsOf } from '../../../core/config/index.js';
import { DeployJob, describeJob, jobScope } from '../../../core/jobs/job-schema.js';
import { allowed, mayRead } from '../api-auth.js';
import { sendError } from '../api-errors.js';
import { ErrorBody } from '../api-jobs.js';
import type { ApiServices } from '../api-services.js';
import { compareText } from '../../../core/text/compare-text.js';

const { app, env } = DeployJob.properties;
const open = { additionalProperties: true } as const;
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } as const;

const JobParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$', description: 'a job id' }) });
const JobAnswer = Type.Object({
  jobId: Type.String(), kind: Type.String(), description: Type.String(), user: Type.String(),
  app: Type.Optional(Type.String()), env: Type.Optional(Type.String()),
  state: Type.String({ description: 'waiting, delayed, active, completed or failed' }),
  attempts: Type.Integer(), enqueuedAt: Type.String(),
  steps: Type.Array(Type.Object({ stage: Type.String(), status: Type.String(), message: Type.Optional(Type.String()) })),
  outcome: Type.Optional(Type.Object({}, open)),
  error: Type.Optional(Type.String()),
}, { description: 'the job' });

const ReleasesQuery = Type.Object({ app, env: Type.Optional(env), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'at most this many (default 10)' })) }, { additionalProperties: false });
const Release = Type.Object({
  commit: Type.String(), app: Type.String(), env: Type.String(), kind: Type.String(), sha: Type.String(), ref: Type.Optional(Type.String()),
  user: Type.String(), at: Type.String(), jobId: Type.Optional(Type.String()), message: Type.String(),
});

const AppHead = Type.Object({
  app: Type.String(), sha: Type.Optional(Type.String()), ref: Type.Optional(Type.String()), releasedAt: Type.Optional(Type.String()), by: Type.Optional(Type.String()),
  pinned: Type.Optional(Type.Object({ commit: Type.String(), reason: Type.String(), by: Type.String(), at: Type.String() })),
});
const Environment = Type.Object({
  name: Type.String(), parent: Type.Optional(Type.String()), approval: Type.Boolean(), restricted: Type.Boolean(), apps: Type.Array(AppHead),
});

export function readRoutes(server: FastifyInstance, services: ApiServices): void {
  server.get('/api/v1/jobs/:id', {
    config: { action: 'read' },
    schema: { summary: 'a job: its state, its steps so far, its outcome', params: JobParams, response: { 200: JobAnswer, ...errors } },
  }, async (request, reply) => {
    const { id } = request.params as Static<typeof JobParams>;
    const status = await services.queue.get(id);
    if (!status) {
      if (allowed(request, reply)) return sendError(reply, 404, `no job ${id} (finished jobs are kept a day)`);
      return reply;
    }
    const scope = jobScope(status.job);
    if (!allowed(request, reply, scope.env)) return reply;
    return {
      jobId: status.jobId, kind: status.job.kind, description: describeJob(status.job), user: status.job.user,
      ...(scope.app ? { app: scope.app } : {}), ...(scope.env ? { env: scope.env } : {}),
      state: status.state, attempts: status.attempts, enqueuedAt: status.enqueuedAt, steps: status.steps ?? [],
      ...(status.result ? { outcome: status.result } : {}), ...(status.error ? { error: status.error } : {}),
    };
  });

  server.get('/api/v1/releases', {
    config: { action: 'read' },
    schema: { summary: 'the releases of an app, newest first (in one environment, or in each it has a file in)', querystring: ReleasesQuery, response: { 200: Type.Object({ releases: Type.Array(Release) }), ...errors } },
  }, async (request, reply) => {
    const query = request.query as Static<typeof ReleasesQuery>;
    if (!allowed(request, reply, query.env)) return reply;
    const { tree } = await services.config.load();
    if (query.env !== undefined && !tree.environments.has(query.env)) throw unknownEnvironment(tree, query.env);
    const limit = query.limit ?? 10;
    const envs = envsOfApp(tree, query.app, query.env).filter((e) => mayRead(request, e));
    const lists = await Promise.all(envs.map((e) => services.history.list(query.app, e, limit)));
    return { releases: lists.flat().sort((a, b) => compareText(b.at, a.at)).slice(0, limit) };
  });

  server.get('/api/v1/environments', {
    config: { action: 'read' },
    schema: { summary: 'every environment the token may read, and what runs there (latest release and pin of each app)', response: { 200: Type.Object({ environments: Type.Array(Environment) }), ...errors } },
  }, async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const { tree } = await services.config.load();
    const rows = environmentRows(tree).filter((row) => mayRead(request, row.name)).sort((a, b) => compareText(a.name, b.name));
    const environments = await Promise.all(rows.map(async (row) => {
      const apps = appsOf(tree, row.name);
      const heads = await services.history.headsOf(row.name, apps);
      return {
        ...row,
        apps: apps.map((a) => {
          const { latest, pin } = heads.get(a) ?? {};
          return {
            app: a, ...(latest ? { sha: latest.sha, releasedAt: latest.at, by: latest.user, ...(latest.ref ? { ref: latest.ref } : {}) } : {}),
            ...(pin ? { pinned: { commit: pin.commit, reason: pin.reason, by: pin.by, at: pin.at } } : {}),
          };
        }),
      };
    }));
    return { environments };
  });
}
