// The ApprovalStore port on Redis, shared by every bot process. A request is one JSON string
// under `<prefix><id>` with its version in a hash field beside it; compare-and-set is one Lua
// script (read the version, compare, write both), so two decisions at once give one winner.
// Pending requests are also in a sorted set scored by their expiry (`<prefix>@pending`), kept in
// step by the same scripts: a write leaving a request pending (re)scores it, any other write
// removes it and puts it in `<prefix>@unsettled`, scored by when its follow-ups fall to any
// process, until settled (so no request id may be `@pending` or `@unsettled`). Requests are kept
// `keepSeconds` (default 7 days) after their last write; an index entry whose request is gone is
// dropped when listed.
import type { Redis } from 'ioredis';
import { ApprovalState, type ApprovalRequest } from '../../core/commands/approval.js';
import { DEFAULT_PENDING_LIMIT, FOLLOW_UP_LEASE_MS, followUpDueAt, type ApprovalStore, type CasResult, type PendingQuery, type UnsettledQuery } from '../../core/ports/approval-store.js';
import { redisCall } from './redis-call.js';
import { RedisScript } from './redis-script.js';

export interface RedisApprovalStoreOptions {
  redis: Redis;
  /** Prepended to every key. Default `nestor:approval:`. */
  prefix?: string;
  keepSeconds?: number;
}

// KEYS[1] request, KEYS[2] pending index; ARGV: json, version, ttl, expiry ms ('' unless pending), id -> 1 created, 0 taken
const CREATE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'version', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) end
return 1
`);

// KEYS[1] request, KEYS[2] pending index, KEYS[3] unsettled index; ARGV: expected version, json,
// new version, ttl, expiry ms ('' unless pending), id, follow-up due ms -> {1} written, {0, json|false}
const CAS = new RedisScript(`
local stored = redis.call('HMGET', KEYS[1], 'version', 'json')
if not stored[1] or stored[1] ~= ARGV[1] then return {0, stored[2]} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
  redis.call('ZREM', KEYS[3], ARGV[6])
else
  redis.call('ZREM', KEYS[2], ARGV[6])
  redis.call('ZADD', KEYS[3], ARGV[7], ARGV[6])
end
return {1}
`);

// KEYS[1] unsettled index; ARGV: id, now ms, lease ms -> 1 when taken (due, and now leased), else 0
const CLAIM = new RedisScript(`
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
return 1
`);

// KEYS[1] an index; ARGV: max score (or +inf), limit, request key prefix -> the JSON of each
// listed request, lowest score first; entries whose request expired are removed.
const LIST_INDEXED = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', ARGV[3] .. id, 'json')
  if json then table.insert(out, json) else redis.call('ZREM', KEYS[1], id) end
end
return out
`);

function parse(json: unknown): ApprovalRequest | undefined {
  return typeof json === 'string' ? (JSON.parse(json) as ApprovalRequest) : undefined;
}

/** The index score of a request: its expiry in ms while pending, '' (not indexed) otherwise. */
function pendingScore(request: ApprovalRequest): string {
  return request.state === ApprovalState.Pending ? String(Date.parse(request.expiresAt)) : '';
}

export class RedisApprovalStore implements ApprovalStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly pendingKey: string;
  private readonly unsettledKey: string;

  constructor(options: RedisApprovalStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:approval:';
    this.ttl = options.keepSeconds ?? 7 * 86_400;
    this.pendingKey = `${this.prefix}@pending`;
    this.unsettledKey = `${this.prefix}@unsettled`;
  }

  async create(request: ApprovalRequest): Promise<boolean> {
    const args = [JSON.stringify(request), String(request.version), this.ttl, pendingScore(request), request.id];
    const created = await redisCall(`keep approval request ${request.id}`, () => CREATE.run(this.redis, [this.key(request.id), this.pendingKey], args));
    return created === 1;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    return parse(await redisCall(`read approval request ${id}`, () => this.redis.hget(this.key(id), 'json')));
  }

  async compareAndSet(id: string, expectedVersion: number, next: ApprovalRequest): Promise<CasResult> {
    const args = [String(expectedVersion), JSON.stringify(next), String(next.version), this.ttl, pendingScore(next), id, String(followUpDueAt(next))];
    const keys = [this.key(id), this.pendingKey, this.unsettledKey];
    const [written, current] = (await redisCall(`update approval request ${id}`, () => CAS.run(this.redis, keys, args))) as [number, string | null | undefined];
    return written === 1 ? { ok: true } : { ok: false, current: parse(current) };
  }

  async listPending(query: PendingQuery = {}): Promise<ApprovalRequest[]> {
    const max = query.expiringBy === undefined ? '+inf' : String(query.expiringBy.getTime());
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_PENDING_LIMIT));
    if (limit === 0) return [];
    const jsons = (await redisCall('list pending approval requests', () => LIST_INDEXED.run(this.redis, [this.pendingKey], [max, limit, this.prefix]))) as string[];
    return jsons.map((json) => JSON.parse(json) as ApprovalRequest).filter((r) => r.state === ApprovalState.Pending);
  }

  /** Requests still pending and not expired by `now` (one ZCOUNT of the pending index). */
  async countPending(now: Date): Promise<number> {
    return redisCall('count pending approval requests', () => this.redis.zcount(this.pendingKey, `(${now.getTime()}`, '+inf'));
  }

  async listUnsettled(query: UnsettledQuery): Promise<ApprovalRequest[]> {
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_PENDING_LIMIT));
    if (limit === 0) return [];
    const args = [String(query.dueBy.getTime()), limit, this.prefix];
    const jsons = (await redisCall('list decided approval requests', () => LIST_INDEXED.run(this.redis, [this.unsettledKey], args))) as string[];
    return jsons.map((json) => JSON.parse(json) as ApprovalRequest);
  }

  async claimFollowUp(id: string, now: Date): Promise<boolean> {
    const args = [id, String(now.getTime()), String(FOLLOW_UP_LEASE_MS)];
    return (await redisCall(`claim the follow-up of approval request ${id}`, () => CLAIM.run(this.redis, [this.unsettledKey], args))) === 1;
  }

  async settle(id: string): Promise<void> {
    await redisCall(`settle approval request ${id}`, () => this.redis.zrem(this.unsettledKey, id));
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }
}
