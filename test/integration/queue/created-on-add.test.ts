// An enqueue learns from its add whether it created the job (created-on-add.ts), on real Redis and
// BullMQ; with a BullMQ whose add is not the shape it wraps, from the stored job, as before.
import { describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-queue.js';
import { bullmqScripts } from '../../../src/adapters/queue/bullmq-scripts.js';
import { addScript, createdBy } from '../../../src/adapters/queue/created-on-add.js';
import { deployJob } from '../../support/job-fixtures.js';
import { redisClient, uniqueName } from '../../support/redis.js';

describe('addScript', () => {
  it('wraps the installed BullMQ\'s add, and says in one line when it is not the shape it wraps', () => {
    const installed = bullmqScripts();
    expect(addScript(installed)).toMatchObject({ command: 'nestorCreated:addStandardJob', keys: 9 });
    const changed = { ...installed, addStandardJob: { ...installed.addStandardJob!, keys: 10 } };
    expect(addScript(changed)).toBe("BullMQ's addStandardJob script is not the shape Nestor's enqueue wraps (9 keys, a duplicate answered by its id): each enqueue reads its job back");
  });

  it('reads an answer of BullMQ\'s own as unknown', () => {
    expect(createdBy(['j-1', 0])).toBe(true);
    expect(createdBy(['j-1', 1])).toBe(false);
    expect(createdBy('j-1')).toBeUndefined();
  });
});

describe.concurrent('an enqueue', () => {
  /** A queue, the notices it gave, and the keys it read back with HGET. */
  const queueWith = (scripts?: ReturnType<typeof bullmqScripts>) => {
    const notices: string[] = [];
    const readBack: string[] = [];
    const connection = redisClient();
    const hget = connection.hget.bind(connection);
    connection.hget = ((key: string, field: string) => (readBack.push(key), hget(key, field))) as typeof connection.hget;
    const queue = new BullmqJobQueue({ connection, name: uniqueName('queue'), onError: (e) => notices.push(String(e)), ...(scripts ? { scripts } : {}) });
    return { queue, notices, readBack };
  };

  it('tells a job it created from one met under the same key, in one command each', async (ctx) => {
    const { queue, notices, readBack } = queueWith();
    ctx.onTestFinished(() => queue.close());
    const redis = redisClient();
    const key = `bull:${queue.queue.name}:once-1`;
    expect(await queue.enqueue(deployJob(), { idempotencyKey: 'once-1' })).toMatchObject({ created: true, message: 'queued as job once-1' });
    expect(await queue.enqueue(deployJob({ ref: 'main' }), { idempotencyKey: 'once-1' })).toMatchObject({ created: false, message: 'already queued as job once-1 (waiting)' });
    expect(readBack).toEqual([]);
    expect(JSON.parse((await redis.hget(key, 'data'))!).job.ref).toBe('feature-x');
    expect(notices).toEqual([]);
  });

  it('with a BullMQ add it does not wrap, says so once and still tells them apart, from the stored job', async (ctx) => {
    const installed = bullmqScripts();
    const { queue, notices, readBack } = queueWith({ ...installed, addStandardJob: { ...installed.addStandardJob!, content: installed.addStandardJob!.content.replace('if rcall("EXISTS", jobIdKey) == 1 then', 'if rcall("EXISTS", jobIdKey) >= 1 then') } });
    ctx.onTestFinished(() => queue.close());
    expect(await queue.enqueue(deployJob(), { idempotencyKey: 'once-2' })).toMatchObject({ created: true });
    expect(await queue.enqueue(deployJob(), { idempotencyKey: 'once-2' })).toMatchObject({ created: false, message: 'already queued as job once-2 (waiting)' });
    expect(readBack).toEqual([`bull:${queue.queue.name}:once-2`, `bull:${queue.queue.name}:once-2`]);
    expect(notices).toEqual(["Error: BullMQ's addStandardJob script is not the shape Nestor's enqueue wraps (9 keys, a duplicate answered by its id): each enqueue reads its job back"]);
  });
});
