// The CLI's lock store. With REDIS_URL set, the CLI takes the same Redis locks as the workers,
// so a release from a terminal and a queued job on one app and environment exclude each other,
// and `nestor unlock` sees the workers' locks; these record the CLI's host and pid. Without it,
// file locks in the state folder (releaseDeps' default) serve the CLIs of one machine. The Redis
// connection is made on first use only, and closed when the command ends.
import { connectRedis, redisTargetFromEnv } from '../adapters/redis/redis-connection.js';
import { RedisLocks } from '../adapters/redis/redis-locks.js';
import { thisProcess } from '../adapters/system/this-process.js';
import type { Locks } from '../core/ports/locks.js';

export interface CliLocks {
  /** Undefined without REDIS_URL: the file locks of releaseDeps apply. */
  locks: Locks | undefined;
  close(): Promise<void>;
}

export function cliLocks(env: Readonly<Record<string, string | undefined>>): CliLocks {
  const target = redisTargetFromEnv(env);
  if (!target) return { locks: undefined, close: async () => undefined };
  if (!target.ok) throw new Error(`invalid ${target.problems.join(', ')}`);
  // A CLI fails fast when Redis is unreachable rather than retrying for ever.
  const redis = connectRedis(target.target, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : 200) });
  redis.on('error', () => undefined); // reported by the command that needed the lock
  return {
    locks: new RedisLocks({ redis, process: thisProcess() }),
    close: async () => {
      if (redis.status === 'wait' || redis.status === 'end') return void redis.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
