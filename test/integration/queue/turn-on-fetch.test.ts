// A job's app-env lock taken by the script that fetches the job (turn-on-fetch.ts), on real Redis
// and BullMQ. Which path took a lock shows in its hash: a lock taken with the fetch holds the
// job's token in its queue, one taken by the worker's own first try a random token of its own.
import { describe, expect, it } from 'vitest';
import { turnOf } from '../../../src/adapters/queue/job-envelope.js';
import { bullmqScripts } from '../../../src/adapters/queue/bullmq-scripts.js';
import { fetchScripts, luaString } from '../../../src/adapters/queue/turn-on-fetch.js';
import type { JobOutcome } from '../../../src/core/ports/job-queue.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld, type QueueWorld } from '../../support/queue-world.js';
import { redisClient } from '../../support/redis.js';

const finished = (world: QueueWorld, jobId: string) =>
  eventually(`job ${jobId} to finish`, async () => {
    const status = await world.queue.get(jobId);
    return status && (status.state === 'completed' || status.state === 'failed') ? status : undefined;
  });

/** While the job runs: its app-env lock's holder and token, and the job's token in its queue. */
async function lockSeenBy(world: QueueWorld, jobId: string, lockKey = appLockKey('mary', 'dev3')) {
  const redis = redisClient();
  const [id, token, bound] = await redis.hmget(world.lockPrefix + lockKey, 'id', 'token', 'bound');
  const jobToken = await redis.get(`bull:${world.name}:${jobId}:lock`);
  return { id, token, bound, jobToken };
}

describe('fetchScripts', () => {
  it('wraps the installed BullMQ\'s two fetching scripts', () => {
    const scripts = fetchScripts(bullmqScripts());
    expect(typeof scripts).not.toBe('string');
    expect([...(scripts as Map<string, unknown>).keys()]).toEqual(['moveToActive', 'moveToFinished']);
  });

  it('says in one line which script is not the shape it wraps, and wraps none', () => {
    const installed = bullmqScripts();
    const changed = { ...installed, moveToFinished: { ...installed.moveToFinished!, content: installed.moveToFinished!.content.replace('jobId, 0, 0}', 'jobId, 0, 0, 0}') } };
    expect(fetchScripts(changed)).toBe("BullMQ's moveToFinished script is not the shape Nestor's fetch wraps (14 keys, a fetched job's lock and answer): jobs take their app-env lock with a round trip of their own");
    expect(fetchScripts({ ...installed, moveToActive: undefined })).toMatch(/^BullMQ's moveToActive script is not the shape/);
  });
});

describe('luaString', () => {
  it('writes any text as a Lua literal Redis reads back as it was', async () => {
    const texts = ['bull:nestor:', 'a"b\\c\'d', 'line\nnext]]==]', 'dev3.marÿ 🚀', '\u00001'];
    for (const text of texts) expect(await redisClient().eval(`return ${luaString(text)}`, 0)).toBe(text);
  });
});

describe.concurrent('a job\'s lock taken with its fetch', () => {
  it('holds the lock bound to the job from the fetch on, first job and the ones fetched as another ends', async (ctx) => {
    const world = queueWorld(ctx);
    const seen = new Map<string, Awaited<ReturnType<typeof lockSeenBy>>>();
    world.startWorker(handlersWith({ deploy: async (c): Promise<JobOutcome> => (seen.set(c.jobId, await lockSeenBy(world, c.jobId)), done()) }), 1);
    const ids = ['fetched-1', 'fetched-2', 'fetched-3'];
    for (const id of ids) await world.queue.enqueue(deployJob(), { idempotencyKey: id });
    for (const id of ids) expect(await finished(world, id)).toMatchObject({ state: 'completed' });
    for (const id of ids) {
      const lock = seen.get(id)!;
      expect(lock).toMatchObject({ id, bound: `bull:${world.name}:${id}:lock` });
      expect(lock.token).toBe(lock.jobToken);
    }
    expect(await world.locks.current(appLockKey('mary', 'dev3'))).toBeUndefined();
  });

  it('leaves a job enqueued without its turn (before this) to the worker\'s own first try', async (ctx) => {
    const world = queueWorld(ctx);
    let seen: Awaited<ReturnType<typeof lockSeenBy>> | undefined;
    world.startWorker(handlersWith({ deploy: async (c): Promise<JobOutcome> => ((seen = await lockSeenBy(world, c.jobId)), done()) }), 1);
    await world.queue.queue.add('deploy', { v: 1, request: 'r-1', job: deployJob() }, { jobId: 'older-1' });
    expect(await finished(world, 'older-1')).toMatchObject({ state: 'completed' });
    expect(seen).toMatchObject({ id: 'older-1', bound: `bull:${world.name}:older-1:lock` });
    expect(seen?.token).not.toBe(seen?.jobToken);
  });

  it('does not trust a turn naming another lock than its job\'s: the job still runs holding its own', async (ctx) => {
    const world = queueWorld(ctx);
    let seen: Awaited<ReturnType<typeof lockSeenBy>> | undefined;
    world.startWorker(handlersWith({ deploy: async (c): Promise<JobOutcome> => ((seen = await lockSeenBy(world, c.jobId)), done()) }), 1);
    const turn = { lock: 'dev3.pricing', line: 'dev3.pricing', user: 'mallory', operation: 'deploy pricing@x' };
    await world.queue.queue.add('deploy', { turn, v: 1, request: 'r-1', job: deployJob() }, { jobId: 'forged-turn' });
    expect(await finished(world, 'forged-turn')).toMatchObject({ state: 'completed' });
    expect(seen).toMatchObject({ id: 'forged-turn' });
    expect(seen?.token).not.toBe(seen?.jobToken);
  });

  it('leaves a turn with an escaped character in it to the worker\'s own first try, which takes the same lock', async (ctx) => {
    const world = queueWorld(ctx);
    let seen: Awaited<ReturnType<typeof lockSeenBy>> | undefined;
    let holder: string | undefined;
    world.startWorker(handlersWith({ deploy: async (c): Promise<JobOutcome> => ((seen = await lockSeenBy(world, c.jobId)), (holder = (await world.locks.current(appLockKey('mary', 'dev3')))?.operation), done()) }), 1);
    const job = deployJob();
    await world.queue.queue.add('deploy', { turn: { ...turnOf(job), operation: 'deploy "mary"' }, v: 1, request: 'r-1', job }, { jobId: 'escaped' });
    expect(await finished(world, 'escaped')).toMatchObject({ state: 'completed' });
    expect(seen).toMatchObject({ id: 'escaped' });
    expect(seen?.token).not.toBe(seen?.jobToken);
    expect(holder).toBe(turnOf(job).operation);
  });

  it('takes nothing for a job whose lock is held: it waits its turn, then its next fetch takes it', async (ctx) => {
    const world = queueWorld(ctx);
    const cli = await world.locks.acquire(appLockKey('mary', 'dev3'), { id: 'cli-1', user: 'carol', operation: 'deploy mary@hotfix' }, 60_000);
    if (!cli.held) throw new Error('expected the lock');
    let seen: Awaited<ReturnType<typeof lockSeenBy>> | undefined;
    // Deferred for a second at a time: released while the job sits in the delayed set with most of
    // its second ahead, so its next fetch (not a first try racing the release) finds the lock free.
    world.startWorker(handlersWith({ deploy: async (c): Promise<JobOutcome> => ((seen = await lockSeenBy(world, c.jobId)), done()) }), 1, { ttlMs: 2_000, waitMs: 20_000, pollMs: 1_000 });
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'behind-cli' });
    await eventually('behind-cli to be told why it waits', () => world.sink.waiting('behind-cli').length > 0);
    expect((await world.locks.current(appLockKey('mary', 'dev3')))?.id).toBe('cli-1');
    const redis = redisClient();
    await eventually('behind-cli to be deferred with most of its wait ahead', async () => {
      const score = await redis.zscore(`bull:${world.name}:delayed`, 'behind-cli');
      return score !== null && Math.floor(Number(score) / 0x1000) - Date.now() > 500;
    }, 10_000, 5);
    await cli.release();
    expect(await finished(world, 'behind-cli')).toMatchObject({ state: 'completed' });
    expect(seen).toMatchObject({ id: 'behind-cli' });
    expect(seen?.token).toBe(seen?.jobToken);
  });

  it('takes nothing for a job while another of its line waits: that one goes first', async (ctx) => {
    const world = queueWorld(ctx);
    const redis = redisClient();
    const waitingSet = `bull:${world.name}:nestor-waiting:dev3.mary`;
    // `earlier` went back to the queue to wait for its turn (as after a deferral) and is due later.
    const job = deployJob({ user: 'bob' });
    await world.queue.queue.add('deploy', { turn: turnOf(job), v: 1, request: 'r-1', job, wait: { since: Date.now() } }, { jobId: 'earlier', delay: 60_000 });
    await redis.sadd(waitingSet, 'earlier');
    const ran: string[] = [];
    world.startWorker(handlersWith({ deploy: async (c) => (ran.push(c.jobId), done()) }), 1);
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'later' });
    await eventually('later to be told why it waits', () => world.sink.waiting('later').length > 0);
    expect(world.sink.waiting('later')).toEqual(['queued behind job earlier by bob, position 2']);
    expect(await world.locks.current(appLockKey('mary', 'dev3'))).toBeUndefined();
    expect(ran).toEqual([]);
    await (await world.queue.queue.getJob('earlier'))!.promote();
    for (const id of ['earlier', 'later']) expect(await finished(world, id)).toMatchObject({ state: 'completed' });
    expect(ran).toEqual(['earlier', 'later']);
  });
});
