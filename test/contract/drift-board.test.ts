import { RedisDriftBoard } from '../../src/adapters/redis/redis-drift-board.js';
import { MemoryDriftBoard } from '../../src/testkit/fakes/memory/memory-drift-board.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { driftBoardContract } from './drift-board.contract.js';

const memory = new MemoryDriftBoard();
driftBoardContract('memory', () => memory);

// Two connections to the shared redis-server: a worker publishing, the api reading.
const pair = [redisClient(), redisClient()] as const;
const prefix = `${uniqueName('drift-board')}:`;
let turn = 0;
driftBoardContract('redis', () => new RedisDriftBoard(pair[turn++ % 2]!, prefix));
