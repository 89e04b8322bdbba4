// The real `nestor worker` runs an approved deploy of shadow to production (the job an approval
// queues) with the example config's `release.moves_branch: production`: a production branch with
// a hotfix of its own is left where it is, the release is announced as done and a notice in the
// environment's error channel names the hotfix; once shadow holds the hotfix, the next approved
// deploy fast-forwards production to it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, commitFiles, git } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';

afterAll(cleanupFixtures);

describe('nestor worker: release.moves_branch', () => {
  it('leaves a production branch with a hotfix and says so in the error channel; moves it once shadow holds the hotfix', async (ctx) => {
    const world = await processWorld(ctx);
    const repo = world.app.dir;
    const { first, second } = world.app.shas;
    git(repo, 'branch', 'shadow', second);
    git(repo, 'checkout', '--quiet', '-b', 'production', first);
    const hotfix = commitFiles(repo, 'hotfix straight on production', { 'hotfix.txt': 'fix' });
    git(repo, 'checkout', '--quiet', 'main');
    const worker = world.start('worker');
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const approvedDeploy = async (sha: string, id: string) => {
      const job: Job = { kind: 'deploy', app: 'mary', env: 'production', ref: 'shadow', sha, trigger: 'user', user: 'alice', approvedBy: 'carol', origin: { kind: 'cli' } };
      await queue.enqueue(job, { idempotencyKey: id });
      return eventually(`${id} to complete`, async () => (await queue.get(id))?.result, 90_000);
    };
    const posts = (needle: string) => world.slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args['text']).includes(needle));

    const refused = await approvedDeploy(second, 'deploy-1');
    expect(refused.outcome).toBe('released');
    expect(git(repo, 'rev-parse', 'production').trim()).toBe(hotfix);
    const notice = await world.slack.waitForCall('chat.postMessage', (c) => String(c.args['text']).includes('production not moved'));
    expect(notice.args['channel']).toBe('tech-release-prod');
    expect(JSON.stringify(notice.args['blocks'])).toContain(`${hotfix.slice(0, 7)} hotfix straight on production`);
    await eventually('the release announcement', async () => (posts('deployed mary@').length > 0 ? true : undefined), 30_000);

    git(repo, 'checkout', '--quiet', 'shadow');
    git(repo, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.invalid', 'merge', '--quiet', '--no-edit', 'production');
    const merged = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '--quiet', 'main');
    const moved = await approvedDeploy(merged, 'deploy-2');
    expect(moved.outcome).toBe('released');
    expect(git(repo, 'rev-parse', 'production').trim()).toBe(merged);
    const announced = await eventually('the second announcement', async () => posts('deployed mary@').at(1), 30_000);
    expect(JSON.stringify(announced.args['blocks'])).toContain(`production fast-forwarded ${hotfix.slice(0, 7)}..${merged.slice(0, 7)}`);
    expect(posts('production not moved')).toHaveLength(1);
  }, 300_000);
});
