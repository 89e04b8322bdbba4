import { execFile, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLocks } from '../../src/adapters/fs/file-locks.js';
import { MemoryLocks, MemoryLockStore } from '../../src/testkit/fakes/memory/memory-locks.js';
import type { LockProcess } from '../../src/core/ports/locks.js';
import { RedisLocks } from '../../src/adapters/redis/redis-locks.js';
import { cleanupFixtures, tempDir } from '../support/git-fixtures.js';
import { ManualClock } from '../../src/testkit/fakes/time/manual-clock.js';
import { redisClient, uniqueName } from '../support/redis.js';
import { alice, bob, cli, held, locksContract, noProcess, type LocksWorld } from './locks.contract.js';

afterAll(cleanupFixtures);

/** Memory and Redis record a process only when given one (a CLI); noProcess stands for none. */
const recording = (as: LockProcess | undefined) => (as && as !== noProcess ? { process: as } : {});

locksContract('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryLockStore();
  return { clock, recorded: {}, open: (as) => new MemoryLocks({ store, clock, ...recording(as) }) } satisfies LocksWorld;
});

// Always records its process: a test process on a host of its own by default.
locksContract('file', async () => {
  const clock = new ManualClock();
  const dir = join(tempDir('nestor-locks-'), 'locks');
  const me = cli('test-host', process.pid);
  return { clock, recorded: { host: 'test-host', pid: process.pid }, open: (as) => new FileLocks({ dir, clock, process: as ?? me }) } satisfies LocksWorld;
});

// Two connections to the shared redis-server, standing for two processes; a fresh prefix per world.
const redisPair = [redisClient(), redisClient()] as const;
locksContract('redis', async () => {
  const clock = new ManualClock();
  const prefix = `${uniqueName('locks')}:`;
  let turn = 0;
  return {
    clock, recorded: {},
    open: (as) => new RedisLocks({ redis: redisPair[turn++ % 2]!, prefix, clock, ...recording(as) }),
  } satisfies LocksWorld;
});

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../support/lock-child.ts');

describe('FileLocks', () => {
  it('keeps one file per key at rest, inside its folder', async () => {
    const dir = tempDir('nestor-locks-');
    const locks = new FileLocks({ dir });
    for (let i = 0; i < 5; i++) await held(await locks.acquire('dev3.mary', i % 2 ? alice : bob, 1000)).release();
    expect(readdirSync(dir)).toEqual(['dev3.mary']);
    expect(readdirSync(join(dir, 'dev3.mary'))).toHaveLength(1);
  });

  it('treats an unreadable lock file as free rather than stuck', async () => {
    const dir = tempDir('nestor-locks-');
    mkdirSync(join(dir, 'dev3.mary'));
    writeFileSync(join(dir, 'dev3.mary', '7.lock'), '{"id": "job-9", "us');
    const locks = new FileLocks({ dir });
    held(await locks.acquire('dev3.mary', alice, 1000));
    expect((await locks.current('dev3.mary'))?.id).toBe(alice.id);
  });

  it("takes over at once the lock of a CLI process that was SIGKILLed on this host, not before it died", async () => {
    const dir = tempDir('nestor-locks-');
    const source = join(import.meta.dirname, '../../src/adapters/fs/file-locks.ts');
    const script = `import { FileLocks } from ${JSON.stringify(source)};
      const held = await new FileLocks({ dir: ${JSON.stringify(dir)} }).acquire('dev3.mary', { id: 'cli-1', user: 'alice', operation: 'deploy mary@main' }, 900000);
      process.stdout.write(held.held ? 'held\\n' : 'busy\\n');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const locks = new FileLocks({ dir });
    expect(await locks.current('dev3.mary')).toMatchObject({ id: 'cli-1', host: hostname(), pid: child.pid });
    expect((await locks.acquire('dev3.mary', bob, 1000)).held).toBe(false);
    child.kill('SIGKILL');
    await exited;
    held(await locks.acquire('dev3.mary', bob, 1000));
    expect(await locks.current('dev3.mary')).toMatchObject({ id: bob.id, host: hostname(), pid: process.pid });
  });

  it('serialises two real processes contending for the same lock', async () => {
    const dir = tempDir('nestor-locks-');
    const log = join(dir, 'log.txt');
    writeFileSync(log, '');
    const node = (id: string) =>
      run(process.execPath, ['--import', 'tsx', CHILD, join(dir, 'locks'), 'dev3.mary', id, log, '15', '2'], { timeout: 25_000 });
    const outputs = await Promise.all([node('one'), node('two')]);
    const waits = outputs.reduce((sum, { stdout }) => sum + Number(stdout.trim()), 0);
    expect(waits).toBeGreaterThan(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(60);
    for (let i = 0; i < lines.length; i += 2) {
      const who = lines[i]?.replace('enter ', '');
      expect([lines[i], lines[i + 1]]).toEqual([`enter ${who}`, `exit ${who}`]);
    }
    expect(new Set(lines)).toEqual(new Set(['enter one', 'exit one', 'enter two', 'exit two']));
  });
});

describe('RedisLocks.acquireUnlessWaiting', () => {
  it('takes the lock unless the set of waiting jobs holds another job than the owner, in one script', async () => {
    const [redis] = redisPair;
    const locks = new RedisLocks({ redis, prefix: `${uniqueName('locks')}:` });
    const waiting = uniqueName('waiting');
    const jobLock = uniqueName('job-lock');
    await redis.set(jobLock, 'worker-1:1');
    await redis.sadd(waiting, alice.id);
    held((await locks.acquireUnlessWaiting('dev3.mary', alice, 60_000, waiting, { key: jobLock, token: 'worker-1:1' }))!);
    expect(await locks.acquireUnlessWaiting('dev3.mary', bob, 60_000, uniqueName('none'), { key: uniqueName('job-lock'), token: 't' }))
      .toMatchObject({ held: false, by: { id: alice.id } });
    await redis.del(jobLock);
    await redis.sadd(waiting, bob.id);
    expect(await locks.acquireUnlessWaiting('dev3.mary', alice, 60_000, waiting, { key: jobLock, token: 'worker-1:2' })).toBeUndefined();
    expect(await locks.current('dev3.mary')).toBeUndefined();
  });

  it('is live while the job lock it is bound to holds its token: a release does nothing, the job ending or changing hands frees it', async () => {
    const [redis] = redisPair;
    const locks = new RedisLocks({ redis, prefix: `${uniqueName('locks')}:` });
    const jobLock = uniqueName('job-lock');
    await redis.set(jobLock, 'worker-1:1');
    const mine = held((await locks.acquireUnlessWaiting('dev3.mary', alice, 60_000, uniqueName('none'), { key: jobLock, token: 'worker-1:1' }))!);
    await mine.release();
    expect(await locks.current('dev3.mary')).toMatchObject({ id: alice.id });
    expect(await mine.renew(60_000)).toBe(true);
    expect(await locks.acquire('dev3.mary', bob, 60_000)).toMatchObject({ held: false, by: { id: alice.id } });
    // A stalled job taken again by another worker: its lock holds another token.
    await redis.set(jobLock, 'worker-2:7');
    expect(await locks.current('dev3.mary')).toBeUndefined();
    expect(await mine.renew(60_000)).toBe(false);
    const bobs = held(await locks.acquire('dev3.mary', bob, 60_000));
    expect(await locks.current('dev3.mary')).toMatchObject({ id: bob.id });
    await redis.del(jobLock);
    expect(await locks.current('dev3.mary')).toMatchObject({ id: bob.id });
    await bobs.release();
    expect(await locks.current('dev3.mary')).toBeUndefined();
  });
});
