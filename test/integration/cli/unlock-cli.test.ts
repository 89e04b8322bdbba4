// `nestor unlock` run as the real program, in-process: on the file locks of the state folder
// (no REDIS_URL), and on the Redis locks the workers share (REDIS_URL set, through cliLocks).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { FileLocks } from '../../../src/adapters/fs/file-locks.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { appLockKey, type Locks } from '../../../src/core/ports/locks.js';
import { main } from '../../../src/main/cli.js';
import { cliLocks } from '../../../src/main/cli-locks.js';
import { releaseDeps, runtimeSettings } from '../../../src/main/release-runtime.js';
import { cli } from '../../contract/locks.contract.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { redisClient, redisUrl } from '../../support/redis.js';

afterAll(cleanupFixtures);

const HOLDER = { id: 'cli-7', user: 'alice', operation: 'deploy mary@feature-x' };

interface Run {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

/** A CLI world: a state folder, and optionally a terminal answering `answer` and other locks. */
function world(options: { locks?: Locks } = {}) {
  const cwd = tempDir('nestor-unlock-');
  const state = join(cwd, '.nestor');
  const fileLocks = new FileLocks({ dir: join(state, 'locks'), process: cli('build-box', 4242) });
  const nestor = async (argv: string[], answer?: string): Promise<Run> => {
    const run: Run = { code: 0, out: '', err: '', asked: [] };
    const io: CliIo = {
      out: (s) => void (run.out += s),
      err: (s) => void (run.err += s),
      env: {}, cwd, user: 'bob',
      releaseDeps: (o) => ({ ...releaseDeps(runtimeSettings(cwd, {}, { ...o, state })), ...(options.locks ? { locks: options.locks } : {}) }),
      ...(answer === undefined ? {} : { confirm: async (question: string) => (run.asked.push(question), answer === 'y') }),
    };
    run.code = await main(argv, io);
    return run;
  };
  return { nestor, fileLocks };
}

describe('nestor unlock', () => {
  it('says when there is nothing to unlock', async () => {
    const { nestor } = world();
    expect(await nestor(['unlock', 'mary', 'dev3'])).toMatchObject({ code: 0, out: 'mary in dev3 is not locked\n' });
  });

  it('shows the holder, and refuses without a terminal to ask on nor --yes', async () => {
    const { nestor, fileLocks } = world();
    await fileLocks.acquire(appLockKey('mary', 'dev3'), HOLDER, 900_000);
    const since = (await fileLocks.current('dev3.mary'))?.since ?? '';
    const run = await nestor(['unlock', 'mary', 'dev3']);
    expect(run.out).toMatch(new RegExp(`^mary in dev3 is locked by job cli-7 \\(deploy mary@feature-x\\) by alice since ${since}, on host build-box pid 4242, expires at `));
    expect(run.err).toBe('nestor: nestor unlock asks for confirmation: run it on a terminal, or pass --yes\n');
    expect(run.code).not.toBe(0);
    expect((await fileLocks.current('dev3.mary'))?.id).toBe('cli-7');
  });

  it('asks on a terminal: no leaves it locked; yes breaks it, logs it, and the store keeps who did', async () => {
    const { nestor, fileLocks } = world();
    await fileLocks.acquire(appLockKey('mary', 'dev3'), HOLDER, 900_000);
    const declined = await nestor(['unlock', 'mary', 'dev3'], 'n');
    expect(declined).toMatchObject({ code: 1, asked: ["Break it? alice's operation would go on without the lock, beside the next one [y/N] "] });
    expect(declined.out).toMatch(/\nleft locked\n$/);
    expect((await fileLocks.current('dev3.mary'))?.id).toBe('cli-7');

    const confirmed = await nestor(['unlock', 'mary', 'dev3'], 'y');
    expect(confirmed.code).toBe(0);
    expect(await fileLocks.current('dev3.mary')).toBeUndefined();
    const note = await fileLocks.lastBroken('dev3.mary');
    expect(note).toMatchObject({ by: 'bob', holder: { id: 'cli-7', user: 'alice', host: 'build-box', pid: 4242 } });
    expect(confirmed.out).toMatch(new RegExp(`\nunlocked mary in dev3: recorded as broken by bob at ${note?.at}, when held by job cli-7 `));
    expect(JSON.parse(confirmed.err)).toMatchObject({ level: 'warn', msg: 'lock broken by hand', key: 'dev3.mary', by: 'bob', holder: { id: 'cli-7' } });

    const after = await nestor(['unlock', 'mary', 'dev3']);
    expect(after.out).toMatch(new RegExp(`^mary in dev3 is not locked \\(last lock broken by bob at ${note?.at}, when held by job cli-7 `));
  });

  it('breaks it without asking with --yes', async () => {
    const { nestor, fileLocks } = world();
    await fileLocks.acquire(appLockKey('mary', 'dev3'), HOLDER, 900_000);
    const run = await nestor(['unlock', 'mary', 'dev3', '--yes']);
    expect(run).toMatchObject({ code: 0, asked: [] });
    expect(await fileLocks.current('dev3.mary')).toBeUndefined();
  });

  it('refuses bad names before touching any lock', async () => {
    const { nestor } = world();
    const run = await nestor(['unlock', '../x', 'dev3', '--yes']);
    expect(run.err).toMatch(/^nestor: invalid app name "\.\.\/x"/);
    expect(run.code).not.toBe(0);
  });
});

describe('the CLI on Redis locks (REDIS_URL set)', () => {
  it("takes the workers' locks, recording its host and pid, and unlocks a worker's lock", async () => {
    const env = `u-${randomUUID().slice(0, 8)}`;
    const shared = cliLocks({ REDIS_URL: redisUrl() });
    const other = cliLocks({ REDIS_URL: redisUrl() });
    try {
      const locks = shared.locks!;
      const mine = await locks.acquire(appLockKey('mary', env), HOLDER, 60_000);
      expect(await locks.current(appLockKey('mary', env))).toMatchObject({ id: 'cli-7', host: hostname(), pid: process.pid });
      if (mine.held) await mine.release();

      const { nestor } = world({ locks: other.locks! });
      const worker = new RedisLocks({ redis: redisClient() });
      await worker.acquire(appLockKey('pricing', env), { id: 'job-9', user: 'carol', operation: 'scale pricing' }, 60_000);
      const run = await nestor(['unlock', 'pricing', env, '--yes']);
      expect(run.out).toMatch(new RegExp(`^pricing in ${env} is locked by job job-9 \\(scale pricing\\) by carol since [^,]+, expires at `));
      expect(run.code).toBe(0);
      expect(await worker.current(appLockKey('pricing', env))).toBeUndefined();
      expect(await worker.lastBroken(appLockKey('pricing', env))).toMatchObject({ by: 'bob', holder: { id: 'job-9' } });
    } finally {
      await Promise.all([shared.close(), other.close()]);
    }
  });
});
