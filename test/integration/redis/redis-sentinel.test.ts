// Redis Sentinel, for real: a master, its replica and a sentinel (redis-server --sentinel). The
// settings name the sentinels and the master group; the bot's producer connection and the worker's
// (BullMQ's queue on it, the locks) find the master through the sentinel, and follow a failover:
// jobs queued before it are still there, and new ones go to the promoted replica.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, redisTargetFromEnv, type RedisTarget } from '../../../src/adapters/redis/redis-connection.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { BullmqJobQueue, DEFAULT_QUEUE_NAME } from '../../../src/adapters/queue/bullmq-queue.js';
import { requestKey } from '../../../src/adapters/slack/bot/job-of-command.js';
import { producerRedis, startBot } from '../../../src/main/bot.js';
import { readSettings } from '../../../src/main/bot-settings.js';
import { nestorLogger } from '../../../src/main/logger.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { deployJob } from '../../support/job-fixtures.js';
import { releaseFixture } from '../../support/release-fixture.js';
import { startSlackApiStandin } from '../../support/slack-api-standin.js';
import { sendToSlackReceiver, sign, slashCommandBody } from '../../support/slack-signing.js';
import { uniqueName } from '../../support/redis.js';
import { MASTER_NAME, startSentinelSet } from '../../support/redis-sentinel.js';

const set = await startSentinelSet();
const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  await set.stop();
  cleanupFixtures();
});

const direct = (port: number): Redis => {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
};
const botEnv = (redis: Record<string, string>) => {
  const cwd = tempDir('nestor-sentinel-');
  return { cwd, env: { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd, ...redis } };
};
const sentinelEnv = { REDIS_URL: `redis://${MASTER_NAME}/2`, NESTOR_REDIS_SENTINELS: `127.0.0.1:1, 127.0.0.1:${set.sentinelPort}` };

describe('Redis Sentinel settings', () => {
  it('read the sentinels and the master group from NESTOR_REDIS_SENTINELS and REDIS_URL', () => {
    const { cwd, env } = botEnv({ REDIS_URL: `redis://:pa%3Ass@${MASTER_NAME}/2`, NESTOR_REDIS_SENTINELS: '10.0.0.1:26379,[::1]:26380', NESTOR_REDIS_SENTINEL_PASSWORD: 'sp' });
    const read = readSettings('bot', env, cwd);
    expect(read.ok && read.settings.redis).toEqual({
      kind: 'sentinel', name: MASTER_NAME, db: 2, tls: false, password: 'pa:ss', sentinelPassword: 'sp',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '::1', port: 26380 }],
    } satisfies RedisTarget);
  });

  it('refuses a bad sentinel list or a master with a port, in one line that repeats no password', () => {
    const { cwd, env } = botEnv({ REDIS_URL: `redis://:hunter2@${MASTER_NAME}:6379/x`, NESTOR_REDIS_SENTINELS: '10.0.0.1,10.0.0.2:99999' });
    const read = readSettings('bot', env, cwd);
    expect(read.ok).toBe(false);
    const line = read.ok ? '' : read.line;
    expect(line).toBe('nestor bot: invalid NESTOR_REDIS_SENTINELS ("10.0.0.1": expected host:port), NESTOR_REDIS_SENTINELS ("10.0.0.2:99999": expected host:port), '
      + 'REDIS_URL (database "x": expected a number), REDIS_URL (with NESTOR_REDIS_SENTINELS its host names the master group, without a port: redis://mymaster)');
    expect(line).not.toContain('hunter2');
  });

  it('are never logged with their passwords', () => {
    const { cwd, env } = botEnv({ REDIS_URL: `redis://:master-pw@${MASTER_NAME}/2`, NESTOR_REDIS_SENTINELS: '10.0.0.1:26379', NESTOR_REDIS_SENTINEL_PASSWORD: 'sentinel-pw' });
    const sentinel = readSettings('bot', env, cwd);
    const server = readSettings('bot', { ...env, NESTOR_REDIS_SENTINELS: '', REDIS_URL: 'redis://:server-pw@10.0.0.2:6379' }, cwd);
    const lines: string[] = [];
    const logger = nestorLogger('test', { destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ settings: sentinel.ok && sentinel.settings }, 'settings');
    logger.info({ settings: server.ok && server.settings }, 'settings');
    expect(lines.join('')).toContain('10.0.0.1');
    expect(lines.join('')).not.toMatch(/master-pw|sentinel-pw|server-pw/);
  });

  it('wants REDIS_URL beside the sentinels', () => {
    const { cwd, env } = botEnv({ NESTOR_REDIS_SENTINELS: '10.0.0.1:26379' });
    const read = readSettings('bot', env, cwd);
    expect(read.ok ? '' : read.line).toBe('nestor bot: invalid REDIS_URL (with NESTOR_REDIS_SENTINELS, expected redis://[:password@]<master name>[/db])');
  });
});

describe('Nestor on Redis Sentinel', () => {
  it('queues and locks on the master the sentinel names, and follows a failover to the promoted replica', async () => {
    const { cwd, env } = botEnv(sentinelEnv);
    const read = readSettings('bot', env, cwd);
    if (!read.ok) throw new Error(read.line);
    const logger = nestorLogger('test', { level: 'silent' });
    const producer = producerRedis(read.settings.redis, logger);
    clients.push(producer);
    const target = redisTargetFromEnv(sentinelEnv);
    if (!target?.ok) throw new Error('sentinel target expected');
    const worker = connectRedis(target.target, { maxRetriesPerRequest: null });
    worker.on('error', () => undefined);
    clients.push(worker);
    const name = uniqueName('sentinel');
    const queue = new BullmqJobQueue({ connection: producer, name });
    const workerQueue = new BullmqJobQueue({ connection: worker, name });
    const locks = new RedisLocks({ redis: worker, prefix: `${name}:lock:` });

    await eventually('the producer to reach the master', () => producer.status === 'ready');
    expect((await queue.enqueue(deployJob(), { idempotencyKey: 'before' })).created).toBe(true);
    const master = new Redis(set.master.port, '127.0.0.1', { db: 2 });
    clients.push(master);
    expect(await master.exists(`bull:${name}:before`)).toBe(1);

    // Replication is asynchronous: the replica has the job before the failover, or a real failover would lose it too.
    const replica = new Redis(set.replica.port, '127.0.0.1', { db: 2 });
    clients.push(replica);
    await eventually('the replica to have the job', async () => (await replica.exists(`bull:${name}:before`)) === 1);
    const sentinel = direct(set.sentinelPort);
    await eventually('the sentinel to fail the master over', async () => {
      const answer = await sentinel.call('SENTINEL', 'FAILOVER', MASTER_NAME).catch((error: Error) => error.message);
      return answer === 'OK';
    }, 20_000, 100);
    await eventually('the replica to be the master', async () => {
      const address = await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME) as string[];
      return Number(address[1]) === set.replica.port;
    }, 20_000, 50);

    // Writes the old master took between the promotion and its own demotion would be lost, as in production.
    await eventually('the old master to be a replica', async () => ((await master.call('ROLE')) as string[])[0] === 'slave', 20_000, 50);
    const after = await eventually('a job queued on the new master', async () => {
      const queued = await workerQueue.enqueue(deployJob({ app: 'pricing' }), { idempotencyKey: 'after' }).catch(() => undefined);
      return queued?.created === true ? queued : undefined;
    }, 20_000, 100);
    expect(after.jobId).toBe('after');
    const promoted = replica;
    expect(await promoted.exists(`bull:${name}:before`, `bull:${name}:after`)).toBe(2);
    expect((await workerQueue.get('before'))?.state).toBe('waiting');
    const owner = { id: 'job-1', user: 'alice', operation: 'deploy mary@feature-x' };
    const lock = await locks.acquire('dev3.mary', owner, 10_000);
    expect(lock.held).toBe(true);
    expect(await promoted.keys(`${name}:lock:*`)).not.toHaveLength(0);
    await eventually('the producer to reach the new master', async () => (await queue.get('after').catch(() => undefined))?.state === 'waiting', 20_000, 100);
  }, 60_000);

  it('serves nestor bot started on these settings: a chat deploy is queued on the master the sentinel names', async (ctx) => {
    const f = await releaseFixture();
    ctx.onTestFinished(() => f.close());
    const slack = await startSlackApiStandin();
    ctx.onTestFinished(() => slack.stop());
    const env = {
      SLACK_SIGNING_SECRET: 'bot-secret', SLACK_BOT_TOKEN: 'xoxb-bot', SLACK_API_URL: slack.apiUrl, PORT: '0', ...sentinelEnv,
      NESTOR_CONFIG: f.configDir, NESTOR_HISTORY: f.historyRemote, NESTOR_STATE: tempDir('nestor-sentinel-bot-'),
    };
    const read = readSettings('bot', env, f.configDir);
    if (!read.ok) throw new Error(read.line);
    const bot = await startBot(read.settings, env, f.configDir, nestorLogger('nestor-bot-test', { level: 'silent' }));
    ctx.onTestFinished(() => bot.close());
    // Sent again until the bot's connection has found the master (till then the reply says Redis is unreachable).
    await eventually('the bot to reach the master', async () => {
      const body = slashCommandBody({ text: 'deploy mary feature-x dev3', triggerId: 'T.sentinel', responseUrl: slack.responseUrl('sentinel') });
      await sendToSlackReceiver(`http://127.0.0.1:${bot.port}/slack/events`, sign('bot-secret', body));
      const answers = slack.callsOf('response_url').filter((c) => c.args['id'] === 'sentinel').map((c) => JSON.stringify(c.args));
      return answers.some((a) => a.includes('queued as job'));
    }, 20_000, 200);

    const address = await direct(set.sentinelPort).call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME) as string[];
    const master = new Redis(Number(address[1]), '127.0.0.1', { db: 2 });
    clients.push(master);
    expect(await master.exists(`bull:${DEFAULT_QUEUE_NAME}:${requestKey('T0NESTOR', 'T.sentinel')}`)).toBe(1);
  }, 60_000);
});
