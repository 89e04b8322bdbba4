// The ApprovalStore port on Redis, shared by every bot process. A request is one JSON string
// under `<prefix><id>` with its version in a hash field beside it; compare-and-set is one Lua
// script (read the version, compare, write both), so two decisions at once give one winner.
// Requests are kept `keepSeconds` (default 7 days) after their last write.
import type { Redis } from 'ioredis';
import type { ApprovalRequest } from '../../core/commands/approval.js';
import type { ApprovalStore, CasResult } from '../../core/ports/approval-store.js';
import { RedisScript } from './redis-script.js';

export interface RedisApprovalStoreOptions {
  redis: Redis;
  /** Prepended to every key. Default `nestor:approval:`. */
  prefix?: string;
  keepSeconds?: number;
}

// KEYS[1] request; ARGV: json, version, ttl -> 1 created, 0 taken
const CREATE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'version', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`);

// KEYS[1] request; ARGV: expected version, json, new version, ttl -> {1} written, {0, json|false}
const CAS = new RedisScript(`
local stored = redis.call('HMGET', KEYS[1], 'version', 'json')
if not stored[1] or stored[1] ~= ARGV[1] then return {0, stored[2]} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return {1}
`);

function parse(json: unknown): ApprovalRequest | undefined {
  return typeof json === 'string' ? (JSON.parse(json) as ApprovalRequest) : undefined;
}

export class RedisApprovalStore implements ApprovalStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(options: RedisApprovalStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:approval:';
    this.ttl = options.keepSeconds ?? 7 * 86_400;
  }

  async create(request: ApprovalRequest): Promise<boolean> {
    const created = await CREATE.run(this.redis, [this.key(request.id)], [JSON.stringify(request), String(request.version), this.ttl]);
    return created === 1;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    return parse(await this.redis.hget(this.key(id), 'json'));
  }

  async compareAndSet(id: string, expectedVersion: number, next: ApprovalRequest): Promise<CasResult> {
    const args = [String(expectedVersion), JSON.stringify(next), String(next.version), this.ttl];
    const [written, current] = (await CAS.run(this.redis, [this.key(id)], args)) as [number, string | null | undefined];
    return written === 1 ? { ok: true } : { ok: false, current: parse(current) };
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }
}
