// The Locks port on Redis, shared by every bot and worker (and the CLI when REDIS_URL is set). A
// lock is a hash {id, user, operation, since, expiresAt, host, pid, token} with a Redis expiry
// (PX ttl), so a crashed owner's lock vanishes on its own. Taking it is `SET key value NX PX ttl`
// widened, in one atomic script, to "or it is held by the same owner id" (a retried job) and "or
// by the holder this process found dead" (its token, so a lock that changed hands meanwhile is
// kept); renew and release compare the handle's token. Host and pid are recorded only when the
// process is given (a CLI): workers' pids say nothing across containers sharing a host name.
// Notes of locks broken by hand go to a list beside the lock (`<prefix>~broken:<key>`, 20 kept).
// A queue's worker takes a job's lock in the same script as it checks that no other job of the
// line waits for it (acquireUnlessWaiting): one round trip on the path every job takes. That lock
// is bound to the job's own lock in its queue (BullMQ's `<job key>:lock`, which holds the worker's
// token while the job runs and is deleted in the same script that ends it): it is live only while
// that key holds the token it was taken with, so it is free the moment its job ends, without a
// release of its own, and free once that key expires if the worker died.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports/clock.js';
import {
  BROKEN_LOCK_KEEP_MS, checkLockRequest, isKnownDead,
  type BrokenLock, type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type LockProcess, type Locks,
} from '../../core/ports/locks.js';
import { redisCall } from './redis-call.js';
import { RedisScript } from './redis-script.js';

export interface RedisLocksOptions {
  redis: Redis;
  /** Prepended to every key. Default `nestor:lock:`. */
  prefix?: string;
  /**
   * For tests on a manual clock. Default: Redis's own TIME, one clock for every process
   * whatever their skew.
   */
  clock?: Clock;
  /** The process taking the locks, recorded with them (a CLI). Default: none recorded. */
  process?: LockProcess;
}

// The lock's Lua, shared with the queue's fetch (turn-on-fetch.ts). `nowOf(arg)`: the caller's
// time in ms, or Redis TIME when `arg` is ''. `live(key, now)`: the lock's {id, expiresAt, token,
// since} while it holds (a bound lock only while its bound key holds its token), else nil.
// `hold(...)`: writes every field of a holder (bound ones empty when unbound: nothing of an
// earlier holder is left) and its expiry. `take(...)`: the lock for `id` unless a job other than
// `id` waits in the set `waitingKey` (nil: none kept) -> 2, nothing tried; or unless it is live and
// held by another than `id` and than `dead` (a holder found dead, '' for none) -> 0; else 1, taken
// (keeping `since` when `id` held it already).
export const LOCK_LUA = `
local function nowOf(arg)
  local now = tonumber(arg)
  if not now then local t = redis.call('TIME'); now = t[1] * 1000 + math.floor(t[2] / 1000) end
  return now
end
local function live(key, now)
  local e = redis.call('HMGET', key, 'id', 'expiresAt', 'token', 'since', 'bound', 'boundToken')
  if not e[1] or (tonumber(e[2]) or 0) <= now then return nil end
  if e[5] and e[5] ~= '' and redis.call('GET', e[5]) ~= e[6] then return nil end
  return e
end
local function hold(key, now, ttl, id, user, operation, token, host, pid, bound, boundToken, since)
  redis.call('HSET', key, 'id', id, 'user', user, 'operation', operation, 'since', since, 'expiresAt', string.format('%d', now + ttl), 'token', token, 'host', host, 'pid', pid, 'bound', bound, 'boundToken', boundToken)
  redis.call('PEXPIRE', key, ttl)
end
local function take(key, waitingKey, now, ttl, id, dead, user, operation, token, host, pid, bound, boundToken)
  if waitingKey then
    for _, waiting in ipairs(redis.call('SMEMBERS', waitingKey)) do
      if waiting ~= id then return 2 end
    end
  end
  local e = live(key, now)
  if e and e[1] ~= id and (dead == '' or e[3] ~= dead) then return 0 end
  local since = string.format('%d', now)
  if e and e[1] == id then since = e[4] end
  hold(key, now, ttl, id, user, operation, token, host, pid, bound, boundToken, since)
  return 1
end
`;

// ARGV[1] is the caller's time in ms, or '' for Redis TIME.
const NOW = `${LOCK_LUA}
local now = nowOf(ARGV[1])
`;

const FIELDS = `'id', 'user', 'operation', 'since', 'expiresAt', 'host', 'pid'`;

// KEYS[1] lock, KEYS[2] (optional) a set of jobs waiting for it; ARGV: now, ttl, id, user,
// operation, token, host, pid, token of a dead holder, and optionally the key and token the lock
// is bound to -> {1} taken, {2} not tried (a member of KEYS[2] other than id waits), or
// {0, id, user, operation, since, expiresAt, host, pid, token}
const ACQUIRE = new RedisScript(`${NOW}
local taken = take(KEYS[1], KEYS[2], now, tonumber(ARGV[2]), ARGV[3], ARGV[9], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[10] or '', ARGV[11] or '')
if taken ~= 0 then return {taken} end
local h = redis.call('HMGET', KEYS[1], ${FIELDS}, 'token')
return {0, h[1], h[2], h[3], h[4], h[5], h[6] or '', h[7] or '', h[8]}
`);

// KEYS[1] lock; ARGV: now, ttl, token -> 1 renewed, 0 lost
const RENEW = new RedisScript(`${NOW}
local e = live(KEYS[1], now)
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

// KEYS[1] lock; ARGV: now -> {} when free, else {id, user, operation, since, expiresAt, host, pid}
const CURRENT = new RedisScript(`${NOW}
if not live(KEYS[1], now) then return {} end
return redis.call('HMGET', KEYS[1], ${FIELDS})
`);

// KEYS[1] lock, KEYS[2] notes; ARGV: now, id, since, by, keep ms -> the note (JSON), or '' when
// the lock is free or held by someone else than id since `since`
const BREAK = new RedisScript(`${NOW}
local e = live(KEYS[1], now)
if not e or e[1] ~= ARGV[2] or e[4] ~= ARGV[3] then return '' end
local h = redis.call('HMGET', KEYS[1], ${FIELDS})
local note = cjson.encode({id = h[1], user = h[2], operation = h[3], since = h[4], expiresAt = h[5], host = h[6] or '', pid = h[7] or '', by = ARGV[4], at = string.format('%d', now)})
redis.call('DEL', KEYS[1])
redis.call('LPUSH', KEYS[2], note)
redis.call('LTRIM', KEYS[2], 0, 19)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
return note
`);

/** What a lock taken for a queued job is bound to: its queue's lock of the job (full Redis key) and the token in it. */
export interface BoundTo {
  key: string;
  token: string;
}

const iso = (ms: string | undefined): string => new Date(Number(ms)).toISOString();

function heldLock(fields: readonly (string | null | undefined)[]): HeldLock {
  const [id, user, operation, since, expiresAt, host, pid] = fields;
  return {
    id: id ?? '', user: user ?? '', operation: operation ?? '', since: iso(since ?? undefined), expiresAt: iso(expiresAt ?? undefined),
    ...(host ? { host } : {}),
    ...(pid ? { pid: Number(pid) } : {}),
  };
}

function brokenLock(json: string): BrokenLock | undefined {
  try {
    const n = JSON.parse(json) as Record<string, string>;
    return { holder: heldLock([n.id, n.user, n.operation, n.since, n.expiresAt, n.host, n.pid]), by: n.by ?? '', at: iso(n.at) };
  } catch {
    return undefined;
  }
}

export class RedisLocks implements Locks {
  private readonly redis: Redis;
  /** The locks' keys' prefix. */
  readonly prefix: string;
  private readonly clock: Clock | undefined;
  private readonly process: LockProcess | undefined;

  constructor(options: RedisLocksOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:lock:';
    this.clock = options.clock;
    this.process = options.process;
  }

  /** Whether this store's commands go over `redis`, in order with the other commands sent on it. */
  sendsOver(redis: Redis): boolean {
    return this.redis === redis;
  }

  async acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt> {
    return (await this.take(key, owner, ttlMs, []))!;
  }

  /**
   * acquire, unless the Redis set `waitingKey` (full key, no prefix added) holds a member other
   * than `owner.id`: undefined then, and the lock is not tried. Taken, the lock is bound to
   * `boundTo` (a queue's lock of the job, full key, and the token it holds): live only while that
   * key holds that token, so it needs no release (its handle's release does nothing).
   */
  acquireUnlessWaiting(key: string, owner: LockOwner, ttlMs: number, waitingKey: string, boundTo: BoundTo): Promise<LockAttempt | undefined> {
    return this.take(key, owner, ttlMs, [waitingKey], boundTo);
  }

  private async take(key: string, owner: LockOwner, ttlMs: number, waitingKey: readonly string[], boundTo?: BoundTo): Promise<LockAttempt | undefined> {
    checkLockRequest(key, ttlMs);
    const token = randomUUID();
    const where = [this.process?.host ?? '', this.process?.pid ?? ''];
    const bound = boundTo ? [boundTo.key, boundTo.token] : [];
    let dead: string | undefined;
    for (;;) {
      const args = [this.time(), ttlMs, owner.id, owner.user, owner.operation, token, ...where, dead ?? '', ...bound];
      const keys = [this.prefix + key, ...waitingKey];
      const [taken, ...fields] = (await redisCall(`take the lock ${key}`, () => ACQUIRE.run(this.redis, keys, args))) as [number, ...string[]];
      if (taken === 1) return this.handle(key, token, boundTo !== undefined);
      if (taken === 2) return undefined;
      const by = heldLock(fields);
      // Once only: a holder found dead is replaced if it still holds the lock, else the new one is told.
      if (dead !== undefined || !isKnownDead(by, this.process)) return { held: false, key, by };
      dead = fields[7] ?? '';
    }
  }

  /** nowOf's argument for a script taking this store's locks elsewhere (LOCK_LUA in the queue's fetch; its keys under `prefix`). */
  scriptNow(): string {
    return this.time();
  }

  /** The handle of a lock such a script took with `token`, bound to its job's lock (its release does nothing). */
  boundHandle(key: string, token: string): LockHandle {
    checkLockRequest(key);
    return this.handle(key, token, true);
  }

  async current(key: string): Promise<HeldLock | undefined> {
    checkLockRequest(key);
    const fields = (await redisCall(`read the lock ${key}`, () => CURRENT.run(this.redis, [this.prefix + key], [this.time()]))) as (string | null)[];
    return fields.length === 0 ? undefined : heldLock(fields);
  }

  async breakLock(key: string, holder: Pick<HeldLock, 'id' | 'since'>, by: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    const since = String(Date.parse(holder.since));
    const args = [this.time(), holder.id, since, by, BROKEN_LOCK_KEEP_MS];
    const note = (await redisCall(`break the lock ${key}`, () => BREAK.run(this.redis, [this.prefix + key, this.notesKey(key)], args))) as string;
    return note ? brokenLock(note) : undefined;
  }

  async lastBroken(key: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    const note = await redisCall(`read the broken locks of ${key}`, () => this.redis.lindex(this.notesKey(key), 0));
    return note ? brokenLock(note) : undefined;
  }

  /** `~` is never in a lock key, so a note key can't be a lock's. */
  private notesKey(key: string): string {
    return `${this.prefix}~broken:${key}`;
  }

  private time(): string {
    return this.clock ? String(Math.floor(this.clock.now())) : '';
  }

  private handle(key: string, token: string, bound: boolean): LockHandle {
    const redisKey = this.prefix + key;
    return {
      held: true,
      key,
      renew: async (ttlMs) => {
        checkLockRequest(key, ttlMs);
        return (await redisCall(`renew the lock ${key}`, () => RENEW.run(this.redis, [redisKey], [this.time(), ttlMs, token]))) === 1;
      },
      release: async () => {
        if (bound) return;
        await redisCall(`release the lock ${key}`, () => RELEASE.run(this.redis, [redisKey], [token]));
      },
    };
  }
}
