// Redis going away in the middle of a call, for the Redis adapters a job uses (locks, the Slack
// progress message of a job, approval requests): the call fails with a NestorError marked
// retryable that says what could not be done (the Redis error in its detail), so a job meeting
// it runs again instead of failing for good. An error reply that no retry can cure (WRONGTYPE)
// is not retryable; one of a Redis that will answer again (BUSY running a script) is.
// Redis sits behind a TCP gate that holds the call's bytes, then cuts every connection and
// refuses new ones; the clients are set as the CLI's is (one retry per request).
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { RedisApprovalStore } from '../../../src/adapters/redis/redis-approval-store.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { RedisProgressMessages } from '../../../src/adapters/redis/redis-progress-messages.js';
import { createApproval } from '../../../src/core/commands/approval.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { isRetryable, runJob } from '../../../src/core/jobs/run-job.js';
import { eventually } from '../../support/eventually.js';
import { deployJob, handlersWith, RecordingSink, runnerDeps } from '../../support/job-fixtures.js';
import { redisClient, redisUrl, uniqueName } from '../../support/redis.js';
import { startRedis } from '../../support/redis-server.js';
import { TcpGate } from '../../support/tcp-gate.js';

const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

let prefix: string;
beforeEach(() => {
  prefix = `${uniqueName('redis-faults')}:`;
});

async function gatedRedis(ctx: TestContext): Promise<{ gate: TcpGate; redis: Redis }> {
  const gate = await new TcpGate(Number(new URL(redisUrl()).port)).open();
  ctx.onTestFinished(() => gate.close());
  const redis = new Redis(gate.url.replace('http:', 'redis:'), { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  clients.push(redis);
  await redis.ping();
  return { gate, redis };
}

/** Runs `call` with Redis holding its bytes, then Redis goes away: what it throws. */
async function cutMidCall(gate: TcpGate, call: () => Promise<unknown>): Promise<unknown> {
  gate.hold();
  const settled = call().then(() => new Error('the call succeeded'), (error: unknown) => error);
  await eventually('the call to reach Redis', () => gate.holding > 0);
  await gate.close();
  return settled;
}

const request = (id: string) => createApproval({
  id, app: 'mary', env: 'production', sha: 'a'.repeat(40), configHash: 'c'.repeat(16), operation: 'deploy mary@main to production',
  requester: { id: 'U0ALICE', name: 'alice' }, approvers: [{ id: 'U0CAROL', name: 'carol' }], expiresMinutes: 60,
}, new Date());

describe('Redis going away mid-call', () => {
  const cases: [string, (redis: Redis) => Promise<() => Promise<unknown>>, string][] = [
    ['taking a lock', async (redis) => {
      const locks = new RedisLocks({ redis, prefix });
      return () => locks.acquire('dev3.mary', { id: 'job-1', user: 'alice', operation: 'deploy mary' }, 60_000);
    }, 'Redis unavailable: could not take the lock dev3.mary'],
    ['renewing a lock', async (redis) => {
      const handle = await new RedisLocks({ redis, prefix }).acquire('dev3.mary', { id: 'job-1', user: 'alice', operation: 'deploy mary' }, 60_000);
      if (!handle.held) throw new Error('not taken');
      return () => handle.renew(60_000);
    }, 'Redis unavailable: could not renew the lock dev3.mary'],
    ['finding the Slack message of a job', async (redis) => {
      const messages = new RedisProgressMessages({ redis, prefix });
      return () => messages.find('job-1');
    }, 'Redis unavailable: could not find the Slack message of job job-1'],
    ['keeping the Slack message of a job', async (redis) => {
      const messages = new RedisProgressMessages({ redis, prefix });
      return () => messages.save('job-1', { channel: 'C1', ts: '1.2' });
    }, 'Redis unavailable: could not keep the Slack message of job job-1'],
    ['deciding an approval request', async (redis) => {
      const store = new RedisApprovalStore({ redis, prefix });
      const created = request('apr-1');
      await store.create(created);
      return () => store.compareAndSet('apr-1', created.version, { ...created, version: created.version + 1 });
    }, 'Redis unavailable: could not update approval request apr-1'],
  ];

  it.for(cases)('%s fails as a passing fault, saying what could not be done', async ([, setUp, line], ctx) => {
    const { gate, redis } = await gatedRedis(ctx);
    const call = await setUp(redis);
    const error = await cutMidCall(gate, call);
    expect(error).toBeInstanceOf(NestorError);
    expect(error).toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true, message: line });
    expect((error as NestorError).detail).toMatchObject({ redisError: expect.stringMatching(/max retries per request/) as string });
    expect(isRetryable(error)).toBe(true);
  });

  it('makes a job that meets it during its lock fail as one to retry, and the retry succeeds once Redis is back', async (ctx) => {
    const { gate, redis } = await gatedRedis(ctx);
    const sink = new RecordingSink();
    const deps = runnerDeps(new RedisLocks({ redis, prefix }), handlersWith(), sink);
    const run = { jobId: 'job-blip', data: deployJob(), maxAttempts: 3 };
    await cutMidCall(gate, () => runJob(deps, { ...run, attempt: 1 }));
    expect(sink.of('job-blip', 'failed')).toMatchObject([{ final: false, code: ErrorCode.StoreUnavailable, message: 'Redis unavailable: could not take the lock dev3.mary' }]);

    await gate.open();
    await expect(runJob(deps, { ...run, attempt: 2 })).resolves.toMatchObject({ outcome: 'released' });
  });
});

describe('Redis error replies', () => {
  it('a command no retry can cure (WRONGTYPE) fails once, not as a passing fault', async () => {
    const direct = redisClient();
    await direct.hset(`${prefix}job-1`, 'not', 'a string');
    const error = await new RedisProgressMessages({ redis: direct, prefix }).find('job-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.Internal, retryable: false, message: 'Redis refused to find the Slack message of job job-1' });
    expect((error as NestorError).detail).toMatchObject({ redisError: expect.stringMatching(/^WRONGTYPE/) as string });
  });

  it('a Redis busy running a script is a passing fault', async (ctx) => {
    const server = await startRedis();
    ctx.onTestFinished(() => server.stop());
    const [runner, caller] = [redisClient({}, server.url), redisClient({}, server.url)];
    await caller.config('SET', 'busy-reply-threshold', '50');
    // A script that never ends: past the threshold, Redis answers other commands BUSY (until SCRIPT KILL).
    const looping = runner.eval('while true do end', 0).catch((e: unknown) => e);
    await eventually('Redis to be busy', () => caller.ping().then(() => false, (e: Error) => e.message.startsWith('BUSY')));
    const error = await new RedisLocks({ redis: caller, prefix }).current('dev3.mary').catch((e: unknown) => e);
    await caller.script('KILL');
    await looping;
    expect(error).toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true, message: 'Redis unavailable: could not read the lock dev3.mary' });
    expect((error as NestorError).detail).toMatchObject({ redisError: expect.stringMatching(/^BUSY/) as string });
  });
});
