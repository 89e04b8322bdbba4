// ScheduleRuns on Redis, shared by every worker. Per schedule, a hash `<prefix><id>` holding the
// last run started (`last`, JSON), the firing it belongs to (`current`), the last firing that
// finished (`done`), the firings skipped since (`skipped`) and before the last run
// (`skippedBefore`); and beside it `<prefix><id>:hold`, the running firing's id with an expiry,
// renewed while it runs: a worker that dies lets it lapse, and its firing taken over by another
// worker (same id) takes it again.
import type { Redis } from 'ioredis';
import type { Begun, ScheduleRecord, ScheduleRun, ScheduleRuns } from '../../core/ports/schedules.js';
import { redisCall } from '../redis/redis-call.js';
import { RedisScript } from '../redis/redis-script.js';

export const DEFAULT_SCHEDULE_RUNS_PREFIX = 'nestor:schedule:';

// KEYS: record, hold; ARGV: firing id, run JSON, hold ms, now (ISO) -> {'run', skipped} | {'overlap', holder} | {'done', ''}
const BEGIN = new RedisScript(`
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then
  redis.call('HINCRBY', KEYS[1], 'skipped', 1)
  redis.call('HSET', KEYS[1], 'lastSkippedAt', ARGV[4])
  return {'overlap', holder}
end
if redis.call('HGET', KEYS[1], 'done') == ARGV[1] then return {'done', ''} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
local skipped
if redis.call('HGET', KEYS[1], 'current') == ARGV[1] then
  skipped = tonumber(redis.call('HGET', KEYS[1], 'skippedBefore') or '0')
else
  skipped = tonumber(redis.call('HGET', KEYS[1], 'skipped') or '0')
  redis.call('HSET', KEYS[1], 'skipped', 0, 'skippedBefore', skipped, 'current', ARGV[1])
end
local run = cjson.decode(ARGV[2])
run['skippedBefore'] = skipped
redis.call('HSET', KEYS[1], 'last', cjson.encode(run))
return {'run', tostring(skipped)}
`);

// KEYS: record, hold; ARGV: firing id, run JSON
const FINISH = new RedisScript(`
redis.call('HSET', KEYS[1], 'last', ARGV[2], 'done', ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`);

// KEYS: hold; ARGV: firing id, hold ms -> 1 held, 0 another firing holds it
const RENEW = new RedisScript(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

export class RedisScheduleRuns implements ScheduleRuns {
  constructor(private readonly redis: Redis, private readonly prefix = DEFAULT_SCHEDULE_RUNS_PREFIX) {}

  private keys(id: string): [string, string] {
    return [`${this.prefix}${id}`, `${this.prefix}${id}:hold`];
  }

  async begin(id: string, run: ScheduleRun, holdMs: number): Promise<Begun> {
    const [what, value] = (await redisCall(`start a run of schedule ${id}`, () =>
      BEGIN.run(this.redis, this.keys(id), [run.firingId, JSON.stringify(run), holdMs, run.startedAt]))) as [string, string];
    if (what === 'overlap') return { begun: 'overlap', running: value };
    if (what === 'done') return { begun: 'done' };
    return { begun: 'run', skippedBefore: Number(value) };
  }

  async renew(id: string, firingId: string, holdMs: number): Promise<boolean> {
    const held = await redisCall(`keep the run of schedule ${id}`, () => RENEW.run(this.redis, [this.keys(id)[1]], [firingId, holdMs]));
    return held === 1;
  }

  async finish(id: string, run: ScheduleRun): Promise<void> {
    await redisCall(`record the run of schedule ${id}`, () => FINISH.run(this.redis, this.keys(id), [run.firingId, JSON.stringify(run)]));
  }

  async records(ids: readonly string[]): Promise<Map<string, ScheduleRecord>> {
    const records = new Map<string, ScheduleRecord>();
    if (ids.length === 0) return records;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys(id)[0], 'last', 'skipped', 'lastSkippedAt');
    const replies = await redisCall('read the runs of the schedules', () => pipeline.exec());
    ids.forEach((id, i) => {
      const [error, fields] = replies?.[i] ?? [null, null];
      if (error) throw error;
      const [last, skipped, lastSkippedAt] = (fields ?? []) as (string | null)[];
      records.set(id, {
        ...(last ? { last: JSON.parse(last) as ScheduleRun } : {}),
        skipped: Number(skipped ?? 0),
        ...(lastSkippedAt ? { lastSkippedAt } : {}),
      });
    });
    return records;
  }
}
