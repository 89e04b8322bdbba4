// DriftBoard on Redis: one hash per environment, `<prefix><env>`, a field per app holding its
// entry as JSON. A publish is one script, which keeps an app's held entry when it is newer than
// the one published (ISO-8601 UTC times compare as strings); a read is one pipeline of HGETALL,
// one round trip for every environment. The hash lives 30 days past its last publish, so an
// environment removed from the config does not stay forever.
import type { Redis } from 'ioredis';
import type { DriftBoard, DriftEntry } from '../../core/ports/drift-board.js';
import { redisCall, redisFailure } from './redis-call.js';
import { RedisScript } from './redis-script.js';

export const DEFAULT_DRIFT_BOARD_PREFIX = 'nestor:drift:';
const KEEP_SECONDS = 30 * 86_400;

// KEYS: board; ARGV: keep seconds, then app, checkedAt, entry JSON for each entry -> entries written
const PUBLISH = new RedisScript(`
local written = 0
for i = 2, #ARGV, 3 do
  local held = redis.call('HGET', KEYS[1], ARGV[i])
  local newer = false
  if held then
    local ok, entry = pcall(cjson.decode, held)
    newer = ok and type(entry) == 'table' and type(entry['checkedAt']) == 'string' and entry['checkedAt'] > ARGV[i + 1]
  end
  if not newer then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    written = written + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return written
`);

function entryOf(json: string): DriftEntry | undefined {
  try {
    const entry = JSON.parse(json) as DriftEntry;
    return typeof entry.checkedAt === 'string' && typeof entry.state === 'string' && Array.isArray(entry.changes) ? entry : undefined;
  } catch {
    return undefined;
  }
}

export class RedisDriftBoard implements DriftBoard {
  constructor(private readonly redis: Redis, private readonly prefix = DEFAULT_DRIFT_BOARD_PREFIX) {}

  async publish(env: string, entries: ReadonlyMap<string, DriftEntry>): Promise<void> {
    if (entries.size === 0) return;
    const args = [...entries].flatMap(([app, entry]) => [app, entry.checkedAt, JSON.stringify(entry)]);
    await redisCall(`publish the live drift of ${env}`, () => PUBLISH.run(this.redis, [`${this.prefix}${env}`], [KEEP_SECONDS, ...args]));
  }

  async read(envs: readonly string[]): Promise<Map<string, Map<string, DriftEntry>>> {
    if (envs.length === 0) return new Map();
    const pipeline = this.redis.pipeline();
    for (const env of envs) pipeline.hgetall(`${this.prefix}${env}`);
    const answers = await redisCall('read the live drift', () => pipeline.exec());
    return new Map(envs.map((env, i) => {
      const [error, hash] = answers?.[i] ?? [new Error('no answer')];
      if (error) throw redisFailure(`read the live drift of ${env}`, error);
      const board = new Map<string, DriftEntry>();
      for (const [app, json] of Object.entries((hash ?? {}) as Record<string, string>)) {
        const entry = entryOf(json);
        if (entry) board.set(app, entry);
      }
      return [env, board];
    }));
  }
}
