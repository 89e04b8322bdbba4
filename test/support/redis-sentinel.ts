// Redis Sentinel for tests: a master and a replica (real redis-servers, see redis-server.ts) and
// one sentinel watching them as the group `mymaster` with a quorum of 1, run from the installed
// redis-server binary (`redis-server <conf> --sentinel`), each on a free port of 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis, terminate, waitForPing, type RedisServer } from './redis-server.js';

export const MASTER_NAME = 'mymaster';

export interface SentinelSet {
  master: RedisServer;
  replica: RedisServer;
  /** The sentinel's port; `NESTOR_REDIS_SENTINELS=127.0.0.1:<port>`. */
  sentinelPort: number;
  stop(): Promise<void>;
}

export async function startSentinelSet(): Promise<SentinelSet> {
  const master = await startRedis();
  const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const dir = mkdtempSync(join(tmpdir(), 'nestor-sentinel-'));
  const sentinelPort = await freePort();
  const conf = join(dir, 'sentinel.conf');
  // The sentinel rewrites its file (known replicas, epochs): it must be its own and writable.
  writeFileSync(conf, [
    `port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, 'loglevel warning',
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 1`,
    `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
    '',
  ].join('\n'));
  const sentinel: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await waitForPing(sentinelPort, 10_000);
  return {
    master, replica, sentinelPort,
    stop: async () => {
      await terminate(sentinel);
      await Promise.all([master.stop(), replica.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
