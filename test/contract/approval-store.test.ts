import { MemoryApprovalStore } from '../../src/adapters/memory/memory-approval-store.js';
import { RedisApprovalStore } from '../../src/adapters/redis/redis-approval-store.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { approvalStoreContract } from './approval-store.contract.js';

const memory = new MemoryApprovalStore();
approvalStoreContract('memory', () => memory);

// Two connections to the shared redis-server, standing for two bot processes.
const pair = [redisClient(), redisClient()] as const;
const prefix = `${uniqueName('approvals')}:`;
let turn = 0;
approvalStoreContract('redis', () => new RedisApprovalStore({ redis: pair[turn++ % 2]!, prefix }));
