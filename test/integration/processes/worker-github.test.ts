// The real `nestor worker` with GitHub settings, against the local GitHub API stand-in: a deploy
// of mary (whose origin names github.com) gets a Deployment in progress then success, and its
// announcement's changelog comes from the compare API; a GitHub failing with 500 fails no
// release; the token is in no log; a deploy whose image is built posts the build's commit status.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { startGitHubApiStandin } from '../../support/github-api-standin.js';
import { processWorld, type ProcessWorld } from '../../support/nestor-processes.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { startRegistry } from '../../support/registry-server.js';

afterAll(cleanupFixtures);

const TOKEN = 'ghp_worker-github-token';
const ORIGIN = 'https://github.com/transcovo/mary.git';

/** Mary's origin names github.com (git reads it from the local repository: url.insteadOf in the worker's own HOME, as Nestor's git runs with PATH and HOME only); the worker's GitHub settings. */
function onGitHub(world: ProcessWorld, apiUrl: string): Record<string, string> {
  const maryFile = join(world.configDir, 'production/apps/mary.yaml');
  writeFileSync(maryFile, readFileSync(maryFile, 'utf8').replace(world.app.dir, ORIGIN));
  const home = join(world.root, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), `[url "${world.app.dir}"]\n\tinsteadOf = ${ORIGIN}\n`);
  return { HOME: home, NESTOR_GITHUB_TOKEN: TOKEN, NESTOR_GITHUB_API_URL: apiUrl, NESTOR_GITHUB_HOST: 'github.com' };
}

describe('nestor worker: GitHub', () => {
  it('records each deploy as a GitHub Deployment and reads its changelog from compare', async (ctx) => {
    const world = await processWorld(ctx);
    const github = await startGitHubApiStandin();
    ctx.onTestFinished(() => github.stop());
    const { first, second } = world.app.shas;
    github.commits.set('transcovo/mary', [
      { sha: first, message: 'first', author: 'ada' }, { sha: second, message: 'second, as GitHub tells it', author: 'ada' },
    ]);
    const worker = world.start('worker', { ...onGitHub(world, github.apiUrl), NESTOR_GITHUB_LOG_URL: 'https://nestor.example.com/jobs/{jobId}' });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const deploy = async (ref: string, id: string) => {
      const job: Job = { kind: 'deploy', app: 'mary', env: 'dev3', ref, trigger: 'user', user: 'alice', origin: { kind: 'cli' } };
      await queue.enqueue(job, { idempotencyKey: id });
      return eventually(`${id} to complete`, async () => (await queue.get(id))?.result, 90_000);
    };

    expect((await deploy(first, 'deploy-1')).outcome).toBe('released');
    github.failNext('POST /repos/:owner/:repo/deployments', 500);
    expect((await deploy('v1.1.0', 'deploy-2')).outcome).toBe('released');
    const statuses = () => github.of('POST /repos/:owner/:repo/deployments/:id/statuses').map((c) => [c.body.state, c.body.environment, c.body.log_url]);
    await eventually('the statuses of the first deploy', async () => (statuses().length >= 2 ? true : undefined), 30_000);
    await eventually('the changelog from compare', async () => (github.of('GET /repos/:owner/:repo/compare/:basehead').length > 0 ? true : undefined), 30_000);

    expect(github.of('POST /repos/:owner/:repo/deployments').map((c) => [c.body.ref, c.body.environment, c.status])).toEqual([[first, 'dev3', 201], ['v1.1.0', 'dev3', 500]]);
    expect(statuses()).toEqual([['in_progress', 'dev3', 'https://nestor.example.com/jobs/deploy-1'], ['success', 'dev3', 'https://nestor.example.com/jobs/deploy-1']]);
    expect(github.of('GET /repos/:owner/:repo/compare/:basehead')[0]?.path).toBe(`/repos/transcovo/mary/compare/${first}...${second}`);
    await worker.log('github side effect failed', (line) => line.operation === 'deployment');
    expect(JSON.stringify(worker.logs)).not.toContain(TOKEN);
  }, 240_000);
  it('posts the nestor/image commit status of a build, pending then success', async (ctx) => {
    const world = await processWorld(ctx);
    const github = await startGitHubApiStandin();
    ctx.onTestFinished(() => github.stop());
    const registry = await startRegistry();
    ctx.onTestFinished(() => registry.stop());
    useTestRegistry(world.configDir, { host: registry.host });
    const sha = world.app.shas.feature;
    world.sim.controllers.options.jobRunner = async () => {
      await pushImage({ url: registry.url, repository: 'kapten/mary', tag: sha });
      return { succeeded: true, log: 'INFO pushed\n' };
    };
    const worker = world.start('worker', { ...onGitHub(world, github.apiUrl), NESTOR_IMAGES: 'check', NPM_TOKEN: 'npm-token' });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const job: Job = { kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', trigger: 'user', user: 'alice', origin: { kind: 'cli' } };
    await queue.enqueue(job, { idempotencyKey: 'deploy-build' });
    expect((await eventually('the deploy to complete', async () => (await queue.get('deploy-build'))?.result, 90_000)).outcome).toBe('released');
    expect(github.of('POST /repos/:owner/:repo/statuses/:sha').map((c) => [c.path, c.body.state, c.body.context]))
      .toEqual(['pending', 'success'].map((state) => [`/repos/transcovo/mary/statuses/${sha}`, state, 'nestor/image']));
  }, 240_000);
});
