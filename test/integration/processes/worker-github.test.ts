// The real `nestor worker` with GitHub settings, against the local GitHub API stand-in: a deploy
// of mary (whose origin names github.com; git reads it from a local repository through
// url.insteadOf in its HOME) gets a Deployment in progress then success, and its announcement's changelog
// comes from the compare API; a GitHub failing with 500 fails no release; the token is in no log.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { startGitHubApiStandin } from '../../support/github-api-standin.js';
import { processWorld } from '../../support/nestor-processes.js';

afterAll(cleanupFixtures);

const TOKEN = 'ghp_worker-github-token';
const ORIGIN = 'https://github.com/transcovo/mary.git';

describe('nestor worker: GitHub', () => {
  it('records each deploy as a GitHub Deployment and reads its changelog from compare', async (ctx) => {
    const world = await processWorld(ctx);
    const github = await startGitHubApiStandin();
    ctx.onTestFinished(() => github.stop());
    const maryFile = join(world.configDir, 'production/apps/mary.yaml');
    writeFileSync(maryFile, readFileSync(maryFile, 'utf8').replace(world.app.dir, ORIGIN));
    const { first, second } = world.app.shas;
    github.commits.set('transcovo/mary', [
      { sha: first, message: 'first', author: 'ada' }, { sha: second, message: 'second, as GitHub tells it', author: 'ada' },
    ]);
    // Nestor's git runs with PATH and HOME only: the url.insteadOf is in the worker's own ~/.gitconfig.
    const home = join(world.root, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.gitconfig'), `[url "${world.app.dir}"]\n\tinsteadOf = ${ORIGIN}\n`);
    const worker = world.start('worker', {
      NESTOR_GITHUB_TOKEN: TOKEN, NESTOR_GITHUB_API_URL: github.apiUrl, NESTOR_GITHUB_HOST: 'github.com',
      NESTOR_GITHUB_LOG_URL: 'https://nestor.example.com/jobs/{jobId}',
      HOME: home,
    });
    await worker.log('worker started');
    const redis = new Redis(world.redis.url, { maxRetriesPerRequest: null });
    ctx.onTestFinished(() => void redis.disconnect());
    const queue = new BullmqJobQueue({ connection: redis });
    ctx.onTestFinished(() => queue.close());
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
});
