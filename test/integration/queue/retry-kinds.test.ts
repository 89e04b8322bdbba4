// Which failures a job retries: a plain bug (an error that is no NestorError) fails the job once
// with its message; transient faults of the real adapters (a cluster answering 503, a git origin
// that cannot be reached) are wrapped as retryable by them, and the job runs again and succeeds.
import { renameSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../../src/core/jobs/job-handlers.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { deployJob, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld, type QueueWorld } from '../../support/queue-world.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';

afterAll(cleanupFixtures);

const finished = (world: QueueWorld, jobId: string) =>
  eventually(`job ${jobId} to finish`, async () => {
    const status = await world.queue.get(jobId);
    return status && (status.state === 'completed' || status.state === 'failed') ? status : undefined;
  }, 20_000);

const failures = (world: QueueWorld, jobId: string) =>
  world.sink.of(jobId, 'failed').map((u) => (u.type === 'failed' ? { message: u.message, final: u.final, code: u.code } : undefined));

async function fixture(ctx: { onTestFinished: (fn: () => Promise<void>) => void }): Promise<ReleaseFixture> {
  const f = await releaseFixture();
  ctx.onTestFinished(() => f.close());
  return f;
}

describe.concurrent('what a job retries', () => {
  it('a plain bug (TypeError) fails the job once, with its message', async (ctx) => {
    const world = queueWorld(ctx, { attempts: 5 });
    let calls = 0;
    world.startWorker(handlersWith({
      deploy: async () => {
        calls += 1;
        const settings = undefined as unknown as { replicas: number };
        return { outcome: 'released', message: String(settings.replicas) };
      },
    }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'bug-1' });
    const status = await finished(world, 'bug-1');
    expect(status).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.error).toMatch(/Cannot read properties of undefined \(reading 'replicas'\)/);
    expect(calls).toBe(1);
    expect(failures(world, 'bug-1')).toEqual([{ message: status.error, final: true, code: undefined }]);
  });

  it('a cluster answering 503 to every apply retry is retried as a job, which then succeeds', async (ctx) => {
    const f = await fixture(ctx);
    const world = queueWorld(ctx, { attempts: 3 });
    // More 503s than the cluster client's own retries (4 tries): the first attempt of the job fails.
    f.sim.faults.failNext(4, { status: 503, match: { method: 'PATCH' } });
    world.startWorker(jobHandlers({ deploy: (rctx, input) => deploy(f.deps, rctx, input) }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'sim-503' });
    expect(await finished(world, 'sim-503')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(failures(world, 'sim-503')).toEqual([{ message: expect.stringMatching(/unavailable.*503/) as string, final: false, code: 'cluster_unavailable' }]);
  });

  it('a git origin that cannot be reached is retried as a job, which succeeds once it is back', async (ctx) => {
    const f = await fixture(ctx);
    const world = queueWorld(ctx, { attempts: 3 });
    const away = `${f.app.dir}.away`;
    renameSync(f.app.dir, away);
    // The retry starts once the origin is back, however soon after the failure its backoff ends.
    let back = (): void => undefined;
    const originBack = new Promise<void>((resolve) => (back = resolve));
    let attempts = 0;
    world.startWorker(jobHandlers({
      deploy: async (rctx, input) => {
        if ((attempts += 1) > 1) await originBack;
        return deploy(f.deps, rctx, input);
      },
    }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'git-away' });
    await eventually('the first attempt to fail', () => world.sink.of('git-away', 'failed').length > 0, 20_000);
    renameSync(away, f.app.dir);
    back();
    expect(await finished(world, 'git-away')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(failures(world, 'git-away')).toEqual([{ message: expect.stringMatching(/cannot reach git origin/) as string, final: false, code: 'git_failed' }]);
  });
});
