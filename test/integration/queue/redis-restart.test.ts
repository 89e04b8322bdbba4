// Redis restarted (its own server, append-only file) while one job runs and two wait: none is
// lost, and all three run once Redis is back. A worker closing just after a restart, while its
// connections still wait to reconnect, closes at once.
import { afterAll, expect, it } from 'vitest';
import type { JobOutcome } from '../../../src/core/ports/job-queue.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld } from '../../support/queue-world.js';
import { startRedis } from '../../support/redis-server.js';

const server = await startRedis();
afterAll(() => server.stop());

it('keeps waiting and active jobs across a Redis restart, and runs them', async (ctx) => {
  // The active job's hold (FAST's) outlasts the restart: it runs once.
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

it('closes at once while its blocking connection waits to reconnect, as just after a Redis restart', async (ctx) => {
  // A long reconnect delay: the connection surely still waits when the worker closes.
  const world = queueWorld(ctx, { url: server.url, workerRedis: { retryStrategy: () => 60_000 } });
  const worker = world.startWorker(handlersWith(), 1);
  await world.queue.enqueue(deployJob(), { idempotencyKey: 'c-1' });
  await eventually('c-1 to complete', async () => (await world.queue.get('c-1'))?.state === 'completed');
  const blocking = await worker.worker.getBackend().blockingClient;
  blocking?.disconnect(true);
  await eventually('the blocking connection to wait to reconnect', () => blocking?.status === 'reconnecting');

  await worker.close();
  expect(blocking?.status).toBe('end');
});
