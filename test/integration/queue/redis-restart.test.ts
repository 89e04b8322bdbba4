// Redis restarted (its own server, append-only file) while one job runs and two wait: none is
// lost, and all three run once Redis is back.
import { afterAll, expect, it } from 'vitest';
import type { JobOutcome } from '../../../src/core/ports/job-queue.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld } from '../../support/queue-world.js';
import { startRedis } from '../../support/redis-server.js';

const server = await startRedis();
afterAll(() => server.stop());

it('keeps waiting and active jobs across a Redis restart, and runs them', async (ctx) => {
  const world = queueWorld(ctx, { url: server.url });
  const ran: string[] = [];
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  ctx.onTestFinished(() => release());
  world.startWorker(handlersWith({
    deploy: async (c, job): Promise<JobOutcome> => {
      ran.push(c.jobId);
      if (c.jobId === 'r-1') await gate;
      return done(job.app);
    },
  }), 1);
  await world.queue.enqueue(deployJob(), { idempotencyKey: 'r-1' });
  await eventually('r-1 to be active', () => ran.includes('r-1'));
  await world.queue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'r-2' });
  await world.queue.enqueue(deployJob({ app: 'ledger' }), { idempotencyKey: 'r-3' });

  await server.restart();
  expect((await world.queue.get('r-2'))?.state).toBe('waiting');
  release();
  for (const id of ['r-1', 'r-2', 'r-3']) {
    await eventually(`${id} to complete`, async () => (await world.queue.get(id))?.state === 'completed', 15_000);
  }
  expect(ran).toEqual(['r-1', 'r-2', 'r-3']);
});
