// The real `nestor worker` process takes a CI success through the branch workflow: the commit
// tagged and greenlight created in the app's repository, the announcement in the root
// environment's channel; the same CI success queued again does nothing.
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';

afterAll(cleanupFixtures);

describe('nestor worker: CI successes', () => {
  it('tags the commit, moves greenlight to it and announces it; told again, does nothing', async (ctx) => {
    const world = await processWorld(ctx);
    const sha = world.app.shas.second;
    git(world.app.dir, 'branch', 'master', sha);
    // The example's registry (docker.com) is out of reach here: the image step is left out, as in the shell.
    const worker = world.start('worker', { NESTOR_IMAGES: 'off' });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const job: Job = { kind: 'ci-success', app: 'mary', branch: 'master', sha, source: 'api', user: 'ci', origin: { kind: 'cli' } };

    await queue.enqueue(job, { idempotencyKey: 'ci-1' });
    const first = await eventually('the CI success to complete', async () => (await queue.get('ci-1'))?.result, 60_000);
    expect(first.outcome).toBe('workflow-done');
    expect(git(world.app.dir, 'rev-parse', 'greenlight').trim()).toBe(sha);
    const tags = git(world.app.dir, 'tag', '--points-at', sha).trim().split('\n').filter((t) => t.startsWith('ci-'));
    expect(tags).toEqual([expect.stringMatching(new RegExp(`^ci-\\d{8}-${sha.slice(0, 7)}$`))]);
    const announced = await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'tech-release-prod');
    expect(String(announced.args['text'])).toContain(`CI success of mary@master (${sha.slice(0, 7)})`);

    await queue.enqueue(job, { idempotencyKey: 'ci-2' });
    const second = await eventually('the second CI success to complete', async () => (await queue.get('ci-2'))?.result, 60_000);
    expect(second.outcome).toBe('already-done');
    expect(second.message).toContain('by job ci-1');
  }, 240_000);
});
