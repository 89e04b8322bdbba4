// `nestor api` as a real process, set up by its environment only, called over HTTP: a deploy
// queued through it is run by a real `nestor worker` and read back with its steps and outcome;
// the bot serves the same API beside Slack when NESTOR_API_PORT is set; neither logs a token.
// Settings are checked first: one line naming what is missing or wrong, never a value.
import { afterAll, describe, expect, it } from 'vitest';
import { Webhooks } from '@octokit/webhooks';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { runCli } from '../../support/cli-run.js';
import { processWorld, type NestorProcess } from '../../support/nestor-processes.js';

afterAll(cleanupFixtures);

const TOKEN = 'process-test-api-token-0123456789';
const SECRET = 'process-test-webhook-secret';
const API_ENV = {
  NESTOR_API_TOKENS: JSON.stringify([{ name: 'ci', token: TOKEN, environments: ['dev3'], actions: ['deploy', 'read', 'ci'] }]),
  NESTOR_GITHUB_WEBHOOK_SECRET: SECRET,
};

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function expectNoSecretLogged(...processes: NestorProcess[]): void {
  for (const proc of processes) {
    const logged = JSON.stringify(proc.logs) + proc.stderr();
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(SECRET);
  }
}

describe('nestor api process', () => {
  it('queues a deploy that a worker runs, and reads it back with its steps and outcome; a signed GitHub delivery is taken once', async (ctx) => {
    const world = await processWorld(ctx);
    const api = world.start('api', API_ENV);
    const worker = world.start('worker');
    const { port } = await api.log('api started');
    await worker.log('worker started');
    const base = `http://127.0.0.1:${String(port)}`;
    const asked = await call(base, 'POST', '/api/v1/deploys', { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(asked.status).toBe(202);
    const jobId = String(asked.json['jobId']);
    const done = await eventually('the deploy to complete', async () => {
      const job = await call(base, 'GET', `/api/v1/jobs/${jobId}`);
      return job.json['state'] === 'completed' ? job : undefined;
    }, 180_000, 200);
    expect(done.json).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', outcome: { outcome: 'released', sha: world.app.shas.feature } });
    expect((done.json['steps'] as { stage: string }[]).map((s) => s.stage)).toContain('history');
    const releases = await call(base, 'GET', '/api/v1/releases?app=mary&env=dev3');
    expect(releases.json['releases']).toEqual([expect.objectContaining({ sha: world.app.shas.feature, jobId })]);

    const body = JSON.stringify({ action: 'completed', workflow_run: { conclusion: 'success', head_branch: 'master', head_sha: 'c'.repeat(40) }, repository: { name: 'mary' } });
    const deliver = () => fetch(`${base}/api/v1/github`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': 'process-delivery-1', 'x-hub-signature-256': '' },
    });
    const signature = await new Webhooks({ secret: SECRET }).sign(body);
    const signedDeliver = () => fetch(`${base}/api/v1/github`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': 'process-delivery-1', 'x-hub-signature-256': signature },
    });
    expect((await deliver()).status).toBe(401);
    expect((await signedDeliver()).status).toBe(202);
    expect((await signedDeliver()).status).toBe(409);
    expectNoSecretLogged(api, worker);
  }, 240_000);

  it('is served by the bot too when NESTOR_API_PORT is set', async (ctx) => {
    const world = await processWorld(ctx);
    const bot = world.start('bot', { ...API_ENV, NESTOR_API_PORT: '0' });
    const { apiPort } = await bot.log('bot started');
    const envs = await call(`http://127.0.0.1:${String(apiPort)}`, 'GET', '/api/v1/environments');
    expect(envs.status).toBe(200);
    expect((envs.json['environments'] as { name: string }[]).map((e) => e.name)).toEqual(['dev3']);
    expectNoSecretLogged(bot);
  }, 240_000);

  it('refuses to start without its tokens, or with tokens it cannot read, in one line that repeats no value', async () => {
    const cwd = tempDir('nestor-api-');
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd };
    const missing = await runCli(['api'], { cwd, env: base });
    expect([missing.code, missing.stderr]).toEqual([2, 'nestor api: missing NESTOR_API_TOKENS\n']);
    const short = await runCli(['api'], { cwd, env: { ...base, NESTOR_API_TOKENS: '[{"name":"ci","token":"too-short","environments":["*"],"actions":["ci"]}]' } });
    expect([short.code, short.stderr]).toEqual([2, 'nestor api: invalid NESTOR_API_TOKENS (tokens.0.token: expected the secret itself, at least 16 characters)\n']);
    const scope = await runCli(['api'], { cwd, env: { ...base, NESTOR_API_TOKENS: `[{"name":"ci","token":"${TOKEN}","environments":["*"],"actions":["push"]}]` } });
    expect(scope.stderr).toBe('nestor api: invalid NESTOR_API_TOKENS (tokens.0.actions.0: expected deploy, ci or read)\n');
    expect(scope.stderr).not.toContain(TOKEN);
  });
});
