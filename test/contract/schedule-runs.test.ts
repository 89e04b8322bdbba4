import { RedisScheduleRuns } from '../../src/adapters/schedules/redis-schedule-runs.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { MemoryScheduleRuns } from '../../src/testkit/fakes/memory/memory-schedule-runs.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { scheduleRunsContract } from './schedule-runs.contract.js';

const memory = new MemoryScheduleRuns(systemClock);
scheduleRunsContract('memory', () => memory);

// Two connections to the shared redis-server, standing for two worker processes.
const pair = [redisClient(), redisClient()] as const;
const prefix = `${uniqueName('schedule-runs')}:`;
let turn = 0;
scheduleRunsContract('redis', () => new RedisScheduleRuns(pair[turn++ % 2]!, prefix));
