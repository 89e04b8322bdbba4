// The real `nestor worker` checks images (NESTOR_IMAGES at its default) in a real registry: a
// deploy of a commit without its image has it built by a Job on the simulator, whose completion
// pushes it, then releases; the build's variable never shows in the worker's logs.
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job-schema.js';
import { jobQueueClient } from '../../support/job-queue-client.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { processWorld } from '../../support/nestor-processes.js';
import { useTestRegistry } from '../../support/registry-config.js';
import { pushImage } from '../../support/registry-push.js';
import { startRegistry } from '../../support/registry-server.js';

afterAll(cleanupFixtures);

const NPM_TOKEN = 'npm-token-of-the-worker';

describe('nestor worker: images', () => {
  it('builds the missing image of a deploy as a Job, then releases it', async (ctx) => {
    const world = await processWorld(ctx);
    const registry = await startRegistry();
    ctx.onTestFinished(() => registry.stop());
    useTestRegistry(world.configDir, { host: registry.host });
    const sha = world.app.shas.feature;
    const built: string[] = [];
    world.sim.controllers.options.jobRunner = async (job) => {
      built.push(String(job.metadata.name));
      await pushImage({ url: registry.url, repository: 'kapten/mary', tag: sha });
      return { succeeded: true, log: 'INFO pushed\n' };
    };
    const worker = world.start('worker', { NESTOR_IMAGES: 'check', NPM_TOKEN });
    await worker.log('worker started');
    const queue = jobQueueClient(ctx, world.redis.url);
    const job: Job = { kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x', trigger: 'user', user: 'alice', origin: { kind: 'cli' } };

    await queue.enqueue(job, { idempotencyKey: 'deploy-1' });
    const result = await eventually('the deploy to complete', async () => (await queue.get('deploy-1'))?.result, 90_000);
    expect(result.outcome).toBe('released');
    expect(built).toHaveLength(1);
    expect(JSON.stringify(worker.logs)).not.toContain(NPM_TOKEN);
  }, 240_000);
});
