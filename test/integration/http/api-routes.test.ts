// The HTTP API over real parts (BullMQ and approvals on Redis, git, the history, the Slack API
// stand-in), called through fastify.inject: tokens enforced (missing, wrong, out of scope), bad
// bodies refused naming the field, CI successes and deploys queued (or asked for approval in
// Slack, as the chat deploy), jobs, releases and environments read, the OpenAPI document built
// from the routes' schemas, and no token in any log line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../../src/core/commands/replies.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { SECRET } from '../../support/bot-world.js';
import { signedBlockAction } from '../../support/slack-signing.js';
import { apiWorld, TOKENS, type ApiWorld } from '../../support/api-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const SHA = 'a'.repeat(40);
const ciSuccess = (world: ApiWorld, token: string | undefined, payload: unknown, headers: Record<string, string> = {}) =>
  world.call(token, { method: 'POST', url: '/api/v1/ci/success', payload: payload as Record<string, unknown>, headers });
const queued = (world: ApiWorld) => world.queue.queue.getJobCountByTypes('waiting', 'active', 'delayed');

describe('nestor api: tokens', () => {
  it('answers 401 without a token or with a wrong one, 403 out of its scope naming the action or the environment; nothing queued', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const body = { app: 'mary', branch: 'master', sha: SHA };
    const none = await ciSuccess(world, undefined, body);
    expect([none.statusCode, none.json()]).toEqual([401, { error: 'missing bearer token: send Authorization: Bearer <token>' }]);
    const wrong = await world.server.inject({ method: 'POST', url: '/api/v1/ci/success', payload: body, headers: { authorization: 'Bearer not-a-token-of-ours-at-all' } });
    expect([wrong.statusCode, wrong.json()]).toEqual([401, { error: 'unknown bearer token' }]);
    // Even a bad body gets the 401 first: nothing is said about the input to a caller without a token.
    expect((await ciSuccess(world, undefined, { app: '../x' })).statusCode).toBe(401);
    const action = await ciSuccess(world, 'dev3-deployer', body);
    expect([action.statusCode, action.json()]).toEqual([403, { error: 'token dev3-deployer may not ci (its actions: deploy)' }]);
    const env = await world.call('dev3-deployer', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'staging' } });
    expect([env.statusCode, env.json()]).toEqual([403, { error: 'token dev3-deployer may not deploy in staging (its environments: dev3)' }]);
    expect(await queued(world)).toBe(0);
  });

  it('never logs a token, the Authorization header or the webhook secret', async (ctx) => {
    const world = await apiWorld(ctx, f);
    await ciSuccess(world, 'ci-main', { app: 'mary', branch: 'master', sha: SHA });
    await ciSuccess(world, 'dev3-deployer', { app: 'mary', branch: 'master', sha: SHA });
    await world.server.inject({ method: 'GET', url: '/api/v1/environments', headers: { authorization: 'Bearer a-wrong-token-0123456789' } });
    await world.github('workflow_run', 'd-logs-1', { action: 'completed' }, 'a-forged-secret');
    const logged = JSON.stringify(world.logs);
    expect(world.logs.some((l) => l['msg'] === 'ci success queued')).toBe(true);
    for (const secret of [...TOKENS.map((t) => t.token), 'a-wrong-token-0123456789', 'Bearer', 'github-webhook-test-secret', 'a-forged-secret', 'sha256=']) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('nestor api: bad input', () => {
  it('answers 400 naming the field, in one line, and queues nothing', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const cases: [unknown, string][] = [
      [{ app: '../x', branch: 'master', sha: SHA }, 'body.app: expected an app name (DNS-1123 label)'],
      [{ app: 'mary', branch: 'master' }, 'missing field "body.sha"'],
      [{ app: 'mary', branch: 'master', sha: 'abc' }, 'body.sha: expected the full commit sha CI tested'],
      [{ app: 'mary', branch: 'main;curl x|sh', sha: SHA }, 'body.branch: expected the branch CI tested, such as master'],
      [{ app: 'mary', branch: 'master', sha: SHA, force: true }, 'unknown field "body.force"'],
    ];
    for (const [payload, error] of cases) {
      const answer = await ciSuccess(world, 'ci-main', payload);
      expect([answer.statusCode, answer.json()]).toEqual([400, { error }]);
    }
    const notJson = await world.call('ci-main', { method: 'POST', url: '/api/v1/ci/success', payload: '{"app":', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    expect(Object.keys(notJson.json() as object)).toEqual(['error']);
    const unknownApp = await ciSuccess(world, 'ci-main', { app: 'marry', branch: 'master', sha: SHA });
    expect([unknownApp.statusCode, unknownApp.json()]).toEqual([404, { error: 'unknown app "marry": no environment has a file for it; did you mean "mary"?' }]);
    const unknownEnv = await world.call('ci-main', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'dev33' } });
    expect([unknownEnv.statusCode, unknownEnv.json()]).toEqual([404, { error: 'unknown environment "dev33"; did you mean "dev3"?' }]);
    expect(await queued(world)).toBe(0);
  });
});

describe('nestor api: changes', () => {
  it('queues a CI success as a ci-success job; the same Idempotency-Key again names the same job', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const body = { app: 'mary', branch: 'master', sha: SHA };
    const first = await ciSuccess(world, 'ci-main', body, { 'idempotency-key': 'build-42' });
    expect(first.statusCode).toBe(202);
    const { jobId } = first.json<{ jobId: string }>();
    expect(first.json()).toEqual({ jobId, created: true, message: `queued as job ${jobId}` });
    expect((await world.queue.get(jobId))?.job).toEqual({ kind: 'ci-success', ...body, source: 'api', user: 'ci-main', origin: { kind: 'cli', host: 'api' } });
    const again = await ciSuccess(world, 'ci-main', body, { 'idempotency-key': 'build-42' });
    expect([again.statusCode, again.json<{ jobId: string; created: boolean }>().jobId, again.json<{ created: boolean }>().created]).toEqual([202, jobId, false]);
    expect(await queued(world)).toBe(1);
  });

  it('answers 503 at once when the queue is unreachable: nothing queued', async (ctx) => {
    const world = await apiWorld(ctx, f);
    world.redis.disconnect();
    const answer = await ciSuccess(world, 'ci-main', { app: 'mary', branch: 'master', sha: SHA });
    expect([answer.statusCode, answer.json()]).toEqual([503, { error: 'the job queue is unavailable: nothing was queued' }]);
  });

  it('queues a deploy where no approval is asked, as the chat deploy', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.call('dev3-deployer', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'feature-x', env: 'dev3' } });
    expect(answer.statusCode).toBe(202);
    const status = await world.queue.get(answer.json<{ jobId: string }>().jobId);
    expect(status?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', trigger: 'user', user: 'dev3-deployer' });
  });

  it('asks for approval in Slack where the environment wants it: 202 with the request, its link and the job an approval queues; nothing queued until then', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.call('alice-ci', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'feature-x', env: 'production' }, headers: { 'idempotency-key': 'release-7' } });
    expect(answer.statusCode).toBe(202);
    const { approval } = answer.json<{ approval: { id: string; jobId: string; messages: { channel: string; ts: string; permalink: string }[] } }>();
    expect(approval).toMatchObject({ id: 'api-alice-ci-release-7', state: 'pending', approvers: ['alice', 'carol'], expiresMinutes: 60, jobId: 'api-alice-ci-release-7.approved' });
    expect(approval.messages).toHaveLength(1);
    expect(approval.messages[0]).toMatchObject({ channel: 'tech-release-prod' });
    expect(approval.messages[0]!.permalink).toBe(`https://nestor-test.slack.com/archives/tech-release-prod/p${approval.messages[0]!.ts.replace('.', '')}`);
    // The request is alice's: as in Slack, she cannot approve it herself.
    expect(await world.services.approvals.get(approval.id)).toMatchObject({ state: 'pending', sha: f.app.shas.feature, requester: { id: 'U0ALICE', name: 'alice' } });
    expect(await queued(world)).toBe(0);
    expect((await world.call('ci-main', { method: 'GET', url: `/api/v1/jobs/${approval.jobId}` })).statusCode).toBe(404);
    // Carol approves in Slack, as any request: the job the API named is queued.
    await world.send(signedBlockAction(SECRET, { actionId: APPROVE_ACTION, value: approval.id, user: { id: 'U0CAROL', name: 'carol' }, responseUrl: world.slack.responseUrl('carol') }));
    await world.response('carol', 'approved');
    const job = await world.call('ci-main', { method: 'GET', url: `/api/v1/jobs/${approval.jobId}` });
    expect([job.statusCode, job.json()]).toMatchObject([200, { kind: 'deploy', app: 'mary', env: 'production', user: 'alice', state: 'waiting' }]);
  });

  it('applies the environment\'s access to the token\'s user, as in Slack: refused before anything is queued', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const project = join(f.configDir, 'staging/project.yaml');
    writeFileSync(project, `${readFileSync(project, 'utf8')}access: { users: [bob] }\n`);
    const alice = await world.call('alice-ci', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'staging' } });
    expect([alice.statusCode, alice.json()]).toEqual([403, { error: 'alice may not change staging: only @bob' }]);
    const token = await world.call('ci-main', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'staging' } });
    expect([token.statusCode, token.json()]).toEqual([403, { error: 'ci-main may not change staging: only @bob' }]);
    expect(await queued(world)).toBe(0);
  });

  it('asks approval for a token that acts for no one: the token itself is the requester', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.call('ci-main', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'production' } });
    expect(answer.statusCode).toBe(202);
    expect(await world.services.approvals.get(answer.json<{ approval: { id: string } }>().approval.id)).toMatchObject({ requester: { id: 'api:ci-main', name: 'ci-main' } });
  });
});

describe('nestor api: reading', () => {
  it('reads a job, the releases of an app and what runs where, within the token scope', async (ctx) => {
    const world = await apiWorld(ctx, f);
    await deploy(f.deps, f.ctx('alice', 'job-rel-1'), { app: 'mary', env: 'dev3', ref: 'main' });
    const asked = await world.call('ci-main', { method: 'POST', url: '/api/v1/deploys', payload: { app: 'mary', ref: 'main', env: 'staging' } });
    const { jobId } = asked.json<{ jobId: string }>();
    const job = await world.call('ci-main', { method: 'GET', url: `/api/v1/jobs/${jobId}` });
    expect([job.statusCode, job.json()]).toMatchObject([200, { jobId, kind: 'deploy', description: 'deploy mary@main to staging', app: 'mary', env: 'staging', state: 'waiting', steps: [] }]);
    const outOfScope = await world.call('reader', { method: 'GET', url: `/api/v1/jobs/${jobId}` });
    expect([outOfScope.statusCode, outOfScope.json()]).toEqual([403, { error: 'token reader may not read in staging (its environments: dev3)' }]);
    expect((await world.call('reader', { method: 'GET', url: '/api/v1/jobs/no-such-job' })).json()).toEqual({ error: 'no job no-such-job (finished jobs are kept a day)' });

    const releases = await world.call('reader', { method: 'GET', url: '/api/v1/releases?app=mary' });
    expect(releases.statusCode).toBe(200);
    expect(releases.json<{ releases: unknown[] }>().releases).toEqual([expect.objectContaining({ app: 'mary', env: 'dev3', kind: 'deploy', sha: f.app.shas.second, user: 'alice', jobId: 'job-rel-1' })]);
    expect((await world.call('reader', { method: 'GET', url: '/api/v1/releases?app=mary&env=production' })).statusCode).toBe(403);
    expect((await world.call('reader', { method: 'GET', url: '/api/v1/releases' })).json()).toEqual({ error: 'missing field "querystring.app"' });

    const envs = await world.call('reader', { method: 'GET', url: '/api/v1/environments' });
    expect(envs.json()).toEqual({ environments: [expect.objectContaining({ name: 'dev3', parent: 'staging', approval: false })] });
    const dev3 = envs.json<{ environments: { apps: { app: string; sha?: string }[] }[] }>().environments[0]!;
    expect(dev3.apps.find((a) => a.app === 'mary')).toMatchObject({ sha: f.app.shas.second, by: 'alice', ref: 'main' });
    const all = await world.call('ci-main', { method: 'GET', url: '/api/v1/environments' });
    expect(all.json<{ environments: { name: string; approval: boolean }[] }>().environments.map((e) => [e.name, e.approval])).toContainEqual(['production', true]);
  });

  it('serves the OpenAPI document of the routes, built from their schemas, without a token', async (ctx) => {
    const world = await apiWorld(ctx, f);
    const answer = await world.server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = answer.json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> }; security: unknown[]; parameters: { name: string }[] }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/ci/success', '/api/v1/deploys', '/api/v1/environments', '/api/v1/github', '/api/v1/jobs/{id}', '/api/v1/releases']);
    expect(Object.keys(doc.paths['/api/v1/deploys']!['post']!.requestBody!.content['application/json']!.schema.properties)).toEqual(['app', 'ref', 'env']);
    expect(doc.paths['/api/v1/jobs/{id}']!['get']!.parameters.map((p) => p.name)).toEqual(['id']);
    expect(doc.paths['/api/v1/ci/success']!['post']!.parameters.map((p) => p.name)).toEqual(['idempotency-key']);
    expect(doc.paths['/api/v1/github']!['post']!.security).toEqual([]);
    expect(doc.paths['/api/v1/releases']!['get']!.security).toEqual([{ bearer: [] }]);
  });
});
