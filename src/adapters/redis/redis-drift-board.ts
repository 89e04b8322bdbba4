// DriftBoard on Redis: one hash per environment, `<prefix><env>`, a field per app holding its
// entry as JSON. A publish is one script, which keeps an app's held entry when it is newer than
// the one published (ISO-8601 UTC times compare as strings); a read is one pipeline of HGETALL,
// one round trip for every environment. The hash lives 30 days past its last publish, so an
// environment removed from the config does not stay forever.
import type { Redis } from 'ioredis';
import type { DriftBoard, DriftEntry, LiveDriftState } from '../../core/ports/drift-board.js';
import { redisCall, redisFailure } from './redis-call.js';
import { RedisScript } from './redis-script.js';

export const DEFAULT_DRIFT_BOARD_PREFIX = 'nestor:drift:';
const KEEP_SECONDS = 30 * 86_400;

// An entry held counts only when well-formed, as read() checks it: one that is not (written by hand,
// by another version) is skipped on read and replaced by the next publish, whatever its time says.
// KEYS: board; ARGV: keep seconds, then app, checkedAt, entry JSON for each entry -> entries written
const PUBLISH = new RedisScript(`
local states = { clean = true, drifted = true, unknown = true }
local sources = { report = true, release = true }
local function wellFormed(entry)
  if type(entry) ~= 'table' or not states[entry['state']] or not sources[entry['source']] then return false end
  if type(entry['checkedAt']) ~= 'string' or not string.match(entry['checkedAt'], '^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.?%d*Z$') then return false end
  if entry['why'] ~= nil and type(entry['why']) ~= 'string' then return false end
  if type(entry['changes']) ~= 'table' then return false end
  local count = 0
  for key, change in pairs(entry['changes']) do
    if type(key) ~= 'number' or type(change) ~= 'string' then return false end
    count = count + 1
  end
  return count == #entry['changes']
end
local written = 0
for i = 2, #ARGV, 3 do
  local held = redis.call('HGET', KEYS[1], ARGV[i])
  local newer = false
  if held then
    local ok, entry = pcall(cjson.decode, held)
    newer = ok and wellFormed(entry) and entry['checkedAt'] > ARGV[i + 1]
  end
  if not newer then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    written = written + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return written
`);

const STATES: ReadonlySet<unknown> = new Set<LiveDriftState>(['clean', 'drifted', 'unknown']);
const SOURCES: ReadonlySet<unknown> = new Set<DriftEntry['source']>(['report', 'release']);
/** As the publish script matches it: entries compare by this string. */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.?\d*Z$/;

/** The entry a field holds; none when it is not one (written by hand, or by another version): the web view shows the app not checked. */
function entryOf(json: string): DriftEntry | undefined {
  let entry: Partial<Record<keyof DriftEntry, unknown>>;
  try {
    entry = JSON.parse(json) as typeof entry;
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { state, changes, why, checkedAt, source } = entry;
  const wellFormed = STATES.has(state) && SOURCES.has(source) && Array.isArray(changes) && changes.every((c) => typeof c === 'string')
    && (why === undefined || typeof why === 'string') && typeof checkedAt === 'string' && ISO_UTC.test(checkedAt);
  return wellFormed ? entry as DriftEntry : undefined;
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
