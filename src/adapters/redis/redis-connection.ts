// The one place that builds Nestor's ioredis connections (BullMQ's included: it duplicates the one
// it is given). Two shapes of Redis, from the environment:
//   - one server: REDIS_URL=redis://[user:password@]host:6379[/db] (rediss:// for TLS);
//   - Redis Sentinel: NESTOR_REDIS_SENTINELS=host:port,host:port names the sentinels, and REDIS_URL's
//     host names the master group they watch (redis://:password@mymaster/0, redis-rb's and
//     Sidekiq's convention); its user, password, db and scheme apply to the master. Sentinels with a
//     password of their own get NESTOR_REDIS_SENTINEL_PASSWORD. ioredis asks the sentinels for the
//     master, and on a failover (+switch-master, or a connection lost) asks again.
// Redis Cluster is not offered: Nestor's scripts (locks, approvals, schedule runs) read and write
// several keys at once, which a cluster allows only within one hash slot, and nothing Nestor does
// comes near one server's capacity; Sentinel gives the failover teams ask for.
import { Redis, type RedisOptions } from 'ioredis';

export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'sentinel';
      /** The master group's name (REDIS_URL's host). */
      name: string;
      sentinels: Array<{ host: string; port: number }>;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db: number;
      tls: boolean;
    };

export type Env = Readonly<Record<string, string | undefined>>;

/** Undefined when the environment names no Redis at all (neither REDIS_URL nor sentinels). */
export type RedisTargetResult = { ok: true; target: RedisTarget } | { ok: false; problems: string[] } | undefined;

const SCHEMES = ['redis:', 'rediss:'];

/** Reads REDIS_URL, NESTOR_REDIS_SENTINELS and NESTOR_REDIS_SENTINEL_PASSWORD; every problem named with its setting. */
export function redisTargetFromEnv(env: Env): RedisTargetResult {
  const raw = env.REDIS_URL || undefined;
  const sentinelList = env.NESTOR_REDIS_SENTINELS || undefined;
  if (raw === undefined && sentinelList === undefined) return undefined;
  if (raw === undefined) return { ok: false, problems: ['REDIS_URL (with NESTOR_REDIS_SENTINELS, expected redis://[:password@]<master name>[/db])'] };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problems: ['REDIS_URL (not a URL)'] };
  }
  if (!SCHEMES.includes(url.protocol)) return { ok: false, problems: ['REDIS_URL (expected a redis: or rediss: URL)'] };
  if (sentinelList === undefined) return { ok: true, target: { kind: 'server', url: raw } };
  const problems: string[] = [];
  const sentinels = parseSentinels(sentinelList, problems);
  const db = url.pathname.length > 1 ? url.pathname.slice(1) : '0';
  if (!/^\d{1,2}$/.test(db)) problems.push(`REDIS_URL (database "${db}": expected a number)`);
  if (url.port !== '') problems.push(`REDIS_URL (with NESTOR_REDIS_SENTINELS its host names the master group, without a port: redis://${url.hostname})`);
  if (problems.length) return { ok: false, problems };
  const sentinelPassword = env.NESTOR_REDIS_SENTINEL_PASSWORD || undefined;
  return {
    ok: true,
    target: {
      kind: 'sentinel', name: decodeURIComponent(url.hostname), sentinels, db: Number(db), tls: url.protocol === 'rediss:',
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(sentinelPassword ? { sentinelPassword } : {}),
    },
  };
}

function parseSentinels(list: string, problems: string[]): Array<{ host: string; port: number }> {
  const sentinels: Array<{ host: string; port: number }> = [];
  for (const entry of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      problems.push(`NESTOR_REDIS_SENTINELS ("${entry}": expected host:port)`);
      continue;
    }
    sentinels.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (sentinels.length === 0 && problems.length === 0) problems.push('NESTOR_REDIS_SENTINELS (expected host:port,host:port)');
  return sentinels;
}

/** A new ioredis connection to the target, with the caller's behaviour options (retries, offline queue). */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  if (target.kind === 'server') return new Redis(target.url, options);
  return new Redis({
    ...options,
    name: target.name,
    sentinels: target.sentinels,
    role: 'master',
    db: target.db,
    // A failover is followed as soon as the sentinels announce it, not only when the old master's
    // connection breaks; a write that reached the old master once demoted (READONLY) is sent again
    // after reconnecting, to the master the sentinels name then.
    failoverDetector: true,
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  });
}
