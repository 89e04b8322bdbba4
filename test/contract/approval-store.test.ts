import { describe, expect, it } from 'vitest';
import { MemoryApprovalStore } from '../../src/testkit/fakes/memory/memory-approval-store.js';
import { RedisApprovalStore } from '../../src/adapters/redis/redis-approval-store.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { approvalStoreContract, request } from './approval-store.contract.js';

const memory = new MemoryApprovalStore();
approvalStoreContract('memory', () => memory);

// Two connections to the shared redis-server, standing for two bot processes.
const pair = [redisClient(), redisClient()] as const;
const prefix = `${uniqueName('approvals')}:`;
let turn = 0;
approvalStoreContract('redis', () => new RedisApprovalStore({ redis: pair[turn++ % 2]!, prefix }));

describe('RedisApprovalStore', () => {
  it('drops an index entry whose request is gone (its keep time passed) when listing', async () => {
    const redis = redisClient();
    const own = `${uniqueName('approvals')}:`;
    const store = new RedisApprovalStore({ redis, prefix: own });
    const [gone, kept] = [request('gone', new Date('2001-01-01T00:00:00Z')), request('kept', new Date('2001-01-01T00:01:00Z'))];
    await store.create(gone);
    await store.create(kept);
    await redis.del(`${own}gone`);
    expect(await store.listPending()).toEqual([kept]);
    expect(await redis.zrange(`${own}@pending`, 0, -1)).toEqual(['kept']);
  });
});
