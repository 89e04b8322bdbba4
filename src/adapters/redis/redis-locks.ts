// The Locks port on Redis, shared by every bot and worker. A lock is a hash {id, user, operation,
// since, expiresAt, token} with a Redis expiry (PX ttl), so a crashed owner's lock vanishes on
// its own. Taking it is `SET key value NX PX ttl` widened, in one atomic script, to "or it is
// held by the same owner id" (a retried job); renew and release compare the handle's token.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  checkLockRequest,
  type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type Locks,
} from '../../core/ports/locks.js';
import { RedisScript } from './redis-script.js';

export interface RedisLocksOptions {
  redis: Redis;
  /** Prepended to every key. Default `nestor:lock:`. */
  prefix?: string;
  /**
   * Milliseconds since the epoch, for tests on a manual clock. Default: Redis's own TIME, one
   * clock for every process whatever their skew.
   */
  now?: () => number;
}

// ARGV[1] is the caller's time in ms, or '' for Redis TIME.
const NOW = `
local now = tonumber(ARGV[1])
if not now then local t = redis.call('TIME'); now = t[1] * 1000 + math.floor(t[2] / 1000) end
local function live(key)
  local e = redis.call('HMGET', key, 'id', 'expiresAt', 'token', 'since')
  if e[1] and (tonumber(e[2]) or 0) > now then return e end
  return nil
end
`;

// KEYS[1] lock; ARGV: now, ttl, id, user, operation, token -> {1|0, id, user, operation, since, expiresAt}
const ACQUIRE = new RedisScript(`${NOW}
local ttl = tonumber(ARGV[2])
local e = live(KEYS[1])
if e and e[1] ~= ARGV[3] then
  local h = redis.call('HMGET', KEYS[1], 'id', 'user', 'operation', 'since', 'expiresAt')
  return {0, h[1], h[2], h[3], h[4], h[5]}
end
local since = string.format('%d', now)
if e then since = e[4] end
local expires = string.format('%d', now + ttl)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[3], 'user', ARGV[4], 'operation', ARGV[5], 'since', since, 'expiresAt', expires, 'token', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, ARGV[3], ARGV[4], ARGV[5], since, expires}
`);

// KEYS[1] lock; ARGV: now, ttl, token -> 1 renewed, 0 lost
const RENEW = new RedisScript(`${NOW}
local e = live(KEYS[1])
if not e or e[3] ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', string.format('%d', now + tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`);

// KEYS[1] lock; ARGV: token
const RELEASE = new RedisScript(`
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`);

// KEYS[1] lock; ARGV: now -> {} when free, else {id, user, operation, since, expiresAt}
const CURRENT = new RedisScript(`${NOW}
if not live(KEYS[1]) then return {} end
return redis.call('HMGET', KEYS[1], 'id', 'user', 'operation', 'since', 'expiresAt')
`);

const iso = (ms: string | undefined): string => new Date(Number(ms)).toISOString();

function heldLock(fields: readonly (string | undefined)[]): HeldLock {
  const [id = '', user = '', operation = '', since, expiresAt] = fields;
  return { id, user, operation, since: iso(since), expiresAt: iso(expiresAt) };
}

export class RedisLocks implements Locks {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly now: (() => number) | undefined;

  constructor(options: RedisLocksOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:lock:';
    this.now = options.now;
  }

  async acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt> {
    checkLockRequest(key, ttlMs);
    const token = randomUUID();
    const reply = (await ACQUIRE.run(this.redis, [this.prefix + key], [this.time(), ttlMs, owner.id, owner.user, owner.operation, token])) as [number, ...string[]];
    const [taken, ...fields] = reply;
    if (taken !== 1) return { held: false, key, by: heldLock(fields) };
    return this.handle(key, token);
  }

  async current(key: string): Promise<HeldLock | undefined> {
    checkLockRequest(key);
    const fields = (await CURRENT.run(this.redis, [this.prefix + key], [this.time()])) as (string | null)[];
    return fields.length === 0 ? undefined : heldLock(fields.map((f) => f ?? undefined));
  }

  private time(): string {
    return this.now ? String(Math.floor(this.now())) : '';
  }

  private handle(key: string, token: string): LockHandle {
    const redisKey = this.prefix + key;
    return {
      held: true,
      key,
      renew: async (ttlMs) => {
        checkLockRequest(key, ttlMs);
        return (await RENEW.run(this.redis, [redisKey], [this.time(), ttlMs, token])) === 1;
      },
      release: async () => {
        await RELEASE.run(this.redis, [redisKey], [token]);
      },
    };
  }
}
