// A slow Redis (up, but answering late) during a slash command, on the real bot: Redis is behind
// a TCP gate that holds every byte until released. The ack never waits for Redis; the user is
// told the queue is slow (not that nothing was queued), then what the queue finally did: the
// job queued exactly once, a Slack retry meanwhile or a connection cut mid-command included.
// (A slow enqueue that finally fails is told "not queued after all": test/unit/slack/enqueue-reply.test.ts.)
import { once } from 'node:events';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { botWorld, SECRET, type BotWorld } from '../../support/bot-world.js';
import { cleanupFixtures } from '../../support/git-fixtures.js';
import { redisClient, redisUrl } from '../../support/redis.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';
import { asRetry, signedSlashCommand } from '../../support/slack-signing.js';
import { TcpGate } from '../../support/tcp-gate.js';

let f: ReleaseFixture;
let gate: TcpGate;
beforeEach(async () => {
  f = await releaseFixture();
  gate = await new TcpGate(Number(new URL(redisUrl()).port)).open();
});
afterEach(async () => {
  await gate.close();
  await f.close();
});
afterAll(() => cleanupFixtures());

/** A bot whose Redis is behind the gate, connected and ready before Redis turns slow. */
async function slowRedisWorld(ctx: Parameters<typeof botWorld>[0]): Promise<BotWorld> {
  const world = await botWorld(ctx, f, { redisUrl: gate.url.replace('http:', 'redis:'), enqueueTimeoutMs: 300 });
  if (world.redis.status !== 'ready') await once(world.redis, 'ready');
  await world.queue.get('warm-up');
  gate.hold();
  return world;
}

const deployDev3 = (world: BotWorld, reply: string, trigger: string) =>
  signedSlashCommand(SECRET, { text: 'deploy mary feature-x dev3', triggerId: trigger, responseUrl: world.slack.responseUrl(reply) });

/** The same queue on a direct connection to Redis, for looking past the gate. */
const direct = (world: BotWorld) => new BullmqJobQueue({ connection: redisClient({ maxRetriesPerRequest: null }), name: world.queue.queue.name });

describe('a slow Redis during a slash command', () => {
  it('acks while Redis holds every answer, says the queue is slow, then queues the job once and says so', async (ctx) => {
    const world = await slowRedisWorld(ctx);
    // Acknowledged while not one byte reaches Redis or comes back: the ack does not wait for it.
    const ack = await world.send(deployDev3(world, 'slow', 'T.slow'));
    expect(ack.status).toBe(200);
    const told = await world.response('slow', 'the job queue is slow to answer');
    expect(JSON.stringify(told.args)).not.toContain('nothing was queued');
    // Slack retries meanwhile: acked too, and the same request.
    expect((await world.send(asRetry(deployDev3(world, 'retry', 'T.slow'), 1))).status).toBe(200);
    await world.response('retry', 'the job queue is slow to answer');
    const jobId = requestKey('T0NESTOR', 'T.slow');
    const queue = direct(world);
    expect(await queue.get(jobId)).toBeUndefined();

    gate.release();
    await world.response('slow', `queued as job ${jobId}`);
    await world.response('retry', `queued as job ${jobId}`);
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    expect((await queue.get(jobId))?.job).toMatchObject({ kind: 'deploy', app: 'mary', env: 'dev3', ref: 'feature-x' });
    await queue.close();
  });

  it('queues nothing later for a command told "nothing was queued" while Redis was down, once Redis is back', async (ctx) => {
    const world = await botWorld(ctx, f, { redisUrl: gate.url.replace('http:', 'redis:'), enqueueTimeoutMs: 300 });
    if (world.redis.status !== 'ready') await once(world.redis, 'ready');
    await gate.close();
    expect((await world.send(deployDev3(world, 'down', 'T.down'))).status).toBe(200);
    const told = await world.response('down', 'the job queue is unavailable');
    expect(JSON.stringify(told.args)).toContain('nothing was queued');
    await gate.open();
    if (world.redis.status !== 'ready') await once(world.redis, 'ready');
    // A command after Redis came back is queued: anything of the first still on its way to Redis would have gone first.
    await world.send(deployDev3(world, 'after', 'T.after'));
    await world.response('after', `queued as job ${requestKey('T0NESTOR', 'T.after')}`);
    const queue = direct(world);
    expect(await queue.get(requestKey('T0NESTOR', 'T.down'))).toBeUndefined();
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    expect(world.slack.callsOf('response_url').filter((c) => c.args['id'] === 'down')).toHaveLength(1);
    await queue.close();
  });

  it('keeps to one job, and says so, when the connection drops mid-command and Redis comes back', async (ctx) => {
    const world = await slowRedisWorld(ctx);
    expect((await world.send(deployDev3(world, 'cut', 'T.cut'))).status).toBe(200);
    await world.response('cut', 'the job queue is slow to answer');
    // The connection is cut with the command still held at the gate; Redis takes new connections.
    gate.cut();
    const jobId = requestKey('T0NESTOR', 'T.cut');
    await world.response('cut', `queued as job ${jobId}`);
    const queue = direct(world);
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(1);
    expect(world.slack.callsOf('response_url').filter((c) => c.args['id'] === 'cut').map((c) => String(c.args['text']))).toEqual([
      'deploy mary@feature-x to dev3: the job queue is slow to answer: you will be told here whether it takes the job (do not ask again until then)',
      `the queue was slow but took it: queued as job ${jobId}`,
    ]);
    await queue.close();
  });
});
