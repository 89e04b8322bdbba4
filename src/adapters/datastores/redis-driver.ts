// Redis driver. A snapshot walks the database with SCAN and keeps each key's DUMP payload and
// time to live (not one point in time: keys written during the walk may or may not be in it).
//
// A restore is atomic through a scratch database, named in the connection URL by `scratch_db`
// (`redis://cache:6379/2?scratch_db=15`): the snapshot is RESTOREd there key by key, and only when
// every key went in does one MULTI swap it with the target (SWAPDB) and mark the scratch
// database, which now holds the replaced data, as Nestor's to flush. A restore that fails or
// is killed midway leaves the target untouched. Chosen over one MULTI around FLUSHDB and every
// RESTORE because Redis does not roll a transaction back: a payload the server refuses at EXEC
// (another Redis version) would leave the target flushed and half restored; and a transaction
// holds the whole snapshot in the server's memory, then blocks it while it runs. What this asks:
// a database index nothing else uses (a scratch database holding other keys is refused), and
// SWAPDB, which Redis Cluster does not have.
import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCode, NestorError, isNestorError } from '../../core/errors.js';
import type { DatastoreDriver, DatastoreTarget } from '../../core/ports/datastores.js';
import { connectionUrl, targetOfKind } from './connection-url.js';
import { openRecordWriter, readRecords, type RedisRecord } from './redis-snapshot-file.js';

/** Marks a scratch database as Nestor's: present whenever it holds keys Nestor put there. */
export const SCRATCH_MARK = '__nestor_restore_scratch__';
const BATCH = 500;

interface Endpoint {
  options: RedisOptions;
  db: number;
  scratchDb?: number;
  where: string;
}

export function redisDriver(): DatastoreDriver {
  return {
    kind: 'redis',
    extension: 'redisdump',

    size: async (target) => withClient(endpointOf(target), 'measure', async (redis) => {
      let bytes = 0;
      for await (const keys of scan(redis)) {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.memory('USAGE', key);
        for (const [error, used] of (await pipeline.exec()) ?? []) if (!error) bytes += Number(used ?? 0);
      }
      return bytes;
    }),

    snapshot: async (target, file) => withClient(endpointOf(target), 'snapshot', async (redis) => {
      const out = await openRecordWriter(file);
      try {
        for await (const keys of scan(redis)) for (const record of await recordsOf(redis, keys)) await out.write(record);
        await out.close();
      } catch (error) {
        out.destroy();
        throw error;
      }
    }),

    restore: async (target, file, options) => {
      const endpoint = endpointOf(target);
      const scratch = endpoint.scratchDb;
      if (scratch === undefined || scratch === endpoint.db) {
        throw new NestorError(ErrorCode.BadInput, `the connection of datastore ${endpoint.where} needs a scratch_db other than its own (redis://host:port/db?scratch_db=15) to restore into`);
      }
      return withClient({ ...endpoint, options: { ...endpoint.options, db: scratch } }, 'restore', async (redis) => {
        await claimScratch(redis, endpoint, scratch);
        let batch = redis.pipeline();
        let queued = 0;
        const flush = async () => {
          for (const [error] of (await batch.exec()) ?? []) if (error) throw restoreRefused(endpoint, error);
          batch = redis.pipeline();
          queued = 0;
        };
        for await (const { key, payload, ttlMs } of readRecords(file, `${options.snapshotId}`)) {
          batch.restore(key, ttlMs < 0 ? 0 : Math.max(ttlMs, 1), payload, 'REPLACE'); // 0: no expiry
          if (++queued >= BATCH) await flush();
          if (options.signal?.aborted) throw new NestorError(ErrorCode.Cancelled, `the restore of ${endpoint.where} was stopped`);
        }
        await flush();
        // Connected to the scratch index: after SWAPDB it holds the replaced data, marked for the flush.
        const swapped = (await redis.multi().del(SCRATCH_MARK).swapdb(scratch, endpoint.db).set(SCRATCH_MARK, '1').exec()) ?? [];
        const refused = swapped.find(([error]) => error)?.[0];
        if (refused) {
          await redis.set(SCRATCH_MARK, '1'); // the target was not swapped: the scratch database is still Nestor's
          throw new NestorError(ErrorCode.DatastoreFailed, `Redis refused SWAPDB for ${endpoint.where}: ${refused.message.slice(0, 200)}`);
        }
        await redis.flushdb('ASYNC');
      });
    },
  };
}

/** Empties the scratch database if it is empty or Nestor's (marked), and marks it; else refuses. */
async function claimScratch(redis: Redis, endpoint: Endpoint, scratch: number): Promise<void> {
  const keys = await redis.dbsize();
  if (keys > 0 && (await redis.exists(SCRATCH_MARK)) === 0) {
    throw new NestorError(ErrorCode.DatastoreFailed, `scratch_db ${scratch} of datastore ${endpoint.where} holds ${keys} keys Nestor did not put there: give a database index nothing else uses`);
  }
  await redis.multi().flushdb().set(SCRATCH_MARK, '1').exec();
}

function restoreRefused(endpoint: Endpoint, error: Error): NestorError {
  return new NestorError(ErrorCode.DatastoreFailed, `Redis refused a key of the snapshot restored into ${endpoint.where}: ${error.message.slice(0, 200)}`, { cause: error });
}

/** Batches of keys, as SCAN gives them (binary-safe). */
async function* scan(redis: Redis): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 1000);
    cursor = next.toString();
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

/** DUMP and PTTL of each key; keys gone since the SCAN are left out. */
async function recordsOf(redis: Redis, keys: readonly Buffer[]): Promise<RedisRecord[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.dumpBuffer(key).pttl(key);
  const replies = (await pipeline.exec()) ?? [];
  const records: RedisRecord[] = [];
  keys.forEach((key, i) => {
    const [dumpError, payload] = replies[2 * i] ?? [];
    const [ttlError, ttl] = replies[2 * i + 1] ?? [];
    if (dumpError || ttlError) throw dumpError ?? ttlError;
    if (payload instanceof Buffer && typeof ttl === 'number' && ttl !== -2) records.push({ key, payload, ttlMs: ttl });
  });
  return records;
}

async function withClient<T>(endpoint: Endpoint, what: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ ...endpoint.options, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 10_000, retryStrategy: () => null });
  redis.on('error', () => undefined); // each command's own rejection says what failed
  try {
    await redis.connect();
    return await use(redis);
  } catch (error) {
    if (isNestorError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new NestorError(ErrorCode.DatastoreFailed, `could not ${what} Redis datastore ${endpoint.where}: ${message.slice(0, 200)}`, { retryable: true, cause: error });
  } finally {
    redis.disconnect();
  }
}

function endpointOf(target: DatastoreTarget): Endpoint {
  const redis = targetOfKind(target, 'redis');
  const { url, where, bad } = connectionUrl(redis, ['redis:', 'rediss:'], 'redis://host:port/db');
  const index = (text: string | null, what: string): number | undefined => {
    if (text === null || text === '') return undefined;
    if (!/^\d{1,5}$/.test(text)) throw bad(`has ${what} "${text}" (expected a database index)`);
    return Number(text);
  };
  const db = index(url.pathname.replace(/^\//, ''), 'database') ?? 0;
  const scratchDb = index(url.searchParams.get('scratch_db'), 'scratch_db');
  const password = redis.connection.password?.reveal();
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { options, db, where, ...(scratchDb === undefined ? {} : { scratchDb }) };
}
