// How the real `nestor worker` and `nestor bot` processes stop: SIGTERM finishes the current job
// and reports it (exit 0); with Redis gone the worker exits at its deadline (exit 1), its job's
// Slack message saying another worker takes it over, and the bot closes at once; a second
// signal ends a worker still finishing its job at once.
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { LEFT_FOR_ANOTHER_WORKER } from '../../../src/main/worker.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { processWorld, SIGNING_SECRET, type NestorProcess, type ProcessWorld } from '../../support/nestor-processes.js';
import { redisClient } from '../../support/redis.js';
import { sendToSlackReceiver, signedSlashCommand } from '../../support/slack-signing.js';

afterAll(cleanupFixtures);

/** A bot and a worker, and a deploy asked in Slack that the worker is stuck applying. */
async function stuckDeploy(world: ProcessWorld, trigger: string, workerEnv: Record<string, string>): Promise<{ bot: NestorProcess; worker: NestorProcess; jobId: string }> {
  world.sim.faults.hangNext(1, { method: 'PATCH' });
  const bot = world.start('bot');
  const worker = world.start('worker', workerEnv);
  const { port } = await bot.log('bot started');
  await worker.log('worker started');
  // Started is not ready: a command sent before the bot's Redis connection is up is refused.
  const { healthPort } = await bot.log('operations endpoints started');
  await eventually('the bot to be ready', async () => (await fetch(`http://127.0.0.1:${String(healthPort)}/readyz`)).status === 200, 30_000, 50);
  const ack = await sendToSlackReceiver(`http://127.0.0.1:${String(port)}/slack/events`, signedSlashCommand(SIGNING_SECRET, {
    text: 'deploy mary feature-x dev3', triggerId: trigger, responseUrl: world.slack.responseUrl(trigger),
  }));
  expect(ack.status).toBe(200);
  await eventually('the worker to be stuck in its apply', () => world.sim.faults.hungCount > 0, 60_000);
  await world.slack.waitForCall('chat.postMessage', (c) => c.args['channel'] === 'C0DEPLOYS' && c.args['thread_ts'] === undefined);
  return { bot, worker, jobId: requestKey('T0NESTOR', trigger) };
}

const statusTexts = (world: ProcessWorld) => world.slack.callsOf('chat.update').map((c) => String(c.args['text']));

describe('nestor worker and bot processes on signals', () => {
  it('SIGTERM: the worker finishes its current job, reports it in Slack and exits 0', async (ctx) => {
    const world = await processWorld(ctx);
    const { worker, jobId } = await stuckDeploy(world, 'T.term', {});
    worker.child.kill('SIGTERM');
    await worker.log('worker stopping: finishing current jobs');
    world.sim.faults.releaseHung();
    expect(await worker.exited).toBe(0);
    expect(worker.logs.some((l) => l.msg === 'worker stopped')).toBe(true);
    const queue = new BullmqJobQueue({ connection: redisClient({}, world.redis.url) });
    ctx.onTestFinished(() => queue.close());
    const status = await queue.get(jobId);
    expect(status).toMatchObject({ state: 'completed', result: { outcome: 'released' } });
    expect(statusTexts(world).at(-1)).toContain(status!.result!.message);
  }, 240_000);

  it('SIGTERM with Redis gone: the bot closes at once (exit 0); the worker exits 1 at its deadline, its job saying another worker takes it over', async (ctx) => {
    const world = await processWorld(ctx);
    const { bot, worker } = await stuckDeploy(world, 'T.redis-gone', { NESTOR_STOP_SECONDS: '3' });
    await world.redis.stop();
    bot.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.logs.some((l) => l.msg === 'bot stopped')).toBe(true);
    expect(await worker.exited).toBe(1);
    expect(worker.logs.some((l) => l.msg === 'worker did not stop within its deadline: exits now')).toBe(true);
    expect(statusTexts(world).at(-1)).toContain(LEFT_FOR_ANOTHER_WORKER);
  }, 240_000);

  it('a second signal ends a worker still finishing its job at once (exit 1)', async (ctx) => {
    const world = await processWorld(ctx);
    const { worker } = await stuckDeploy(world, 'T.twice', { NESTOR_STOP_SECONDS: '600' });
    worker.child.kill('SIGTERM');
    await worker.log('worker stopping: finishing current jobs');
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(1);
    expect(worker.logs.some((l) => l.msg === 'second signal: worker exits now')).toBe(true);
  }, 240_000);
});
