// Locks for CLI processes on one machine: a folder per key in `dir`, holding numbered
// generation files `<n>.lock` (JSON owner + expiry, or `null` once released). The current state
// of a key is its highest generation. Every change (take, take over, renew, release) creates
// generation n+1 after reading n, atomically and only if absent (a fully written temp file
// hard-linked into place, so no reader ever sees a half-written lock). Of any number of racing
// writers exactly one creates n+1; a writer whose view was stale notices a higher generation
// when it checks again, withdraws its file and retries. Older generations are deleted; the
// highest never is, so a generation number is never reused while it matters.
// Each lock records the host and pid of the process that took it: a holder of this host that no
// longer runs is taken over at once. Locks broken by hand are noted in `broken.log` beside them.
import { randomUUID } from 'node:crypto';
import { appendFile, link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import {
  checkLockRequest, isKnownDead,
  type BrokenLock, type HeldLock, type LockAttempt, type LockHandle, type LockOwner, type LockProcess, type Locks,
} from '../../core/ports/locks.js';
import { systemClock } from '../system/system-clock.js';
import { thisProcess } from '../system/this-process.js';

interface Stored extends HeldLock {
  /** One per acquisition: a handle only renews or releases what it took itself. */
  token: string;
}

export interface FileLocksOptions {
  /** Folder holding one sub-folder per key; created when missing. */
  dir: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** The process taking the locks, recorded with them. Default: this one. */
  process?: LockProcess;
}

/** What a change wants, given the live holder (undefined when free, released or expired). */
type Decide = (live: Stored | undefined, now: number) => { write: Stored | null } | 'keep';

interface Latest {
  generation: number;
  live: Stored | undefined;
}

const MAX_ATTEMPTS = 100;
const GENERATION = /^(\d+)\.lock$/;
const BROKEN_LOG = 'broken.log';
const iso = (ms: number): string => new Date(ms).toISOString();

function isStored(value: unknown): value is Stored {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['id', 'user', 'operation', 'since', 'expiresAt', 'token'].every((k) => typeof v[k] === 'string')
    && (v.host === undefined || typeof v.host === 'string') && (v.pid === undefined || typeof v.pid === 'number');
}

function view(stored: Stored): HeldLock {
  const { token: _token, ...held } = stored;
  return { ...held };
}

function isBrokenLock(value: unknown): value is BrokenLock {
  const v = value as Partial<BrokenLock> | null;
  return typeof v === 'object' && v !== null && typeof v.by === 'string' && typeof v.at === 'string' && isStored({ ...v.holder, token: '' });
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

async function generations(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch((e: unknown) => {
    if (errorCode(e) === 'ENOENT') return [];
    throw e;
  });
  return names.flatMap((name) => {
    const match = GENERATION.exec(name);
    return match ? [Number(match[1])] : [];
  });
}

export class FileLocks implements Locks {
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly process: LockProcess;

  constructor(options: FileLocksOptions) {
    this.dir = options.dir;
    this.clock = options.clock ?? systemClock;
    this.process = options.process ?? thisProcess();
  }

  async acquire(key: string, owner: LockOwner, ttlMs: number): Promise<LockAttempt> {
    checkLockRequest(key, ttlMs);
    const token = randomUUID();
    const { id, user, operation } = owner;
    const { host, pid } = this.process;
    const outcome = await this.change(key, (live, now) => {
      if (live && live.id !== id && !isKnownDead(live, this.process)) return 'keep';
      const since = live?.id === id ? live.since : iso(now);
      return { write: { id, user, operation, since, expiresAt: iso(now + ttlMs), host, pid, token } };
    });
    if (!outcome.wrote && outcome.live) return { held: false, key, by: view(outcome.live) };
    return this.handle(key, token);
  }

  async current(key: string): Promise<HeldLock | undefined> {
    checkLockRequest(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const latest = await this.latest(join(this.dir, key), this.clock.now());
      if (latest) return latest.live && view(latest.live);
    }
    throw this.tooBusy(key);
  }

  async breakLock(key: string, holder: Pick<HeldLock, 'id' | 'since'>, by: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    let note: BrokenLock | undefined;
    const outcome = await this.change(key, (live, now) => {
      if (!live || live.id !== holder.id || live.since !== holder.since) return 'keep';
      note = { holder: view(live), by, at: iso(now) };
      return { write: null };
    });
    if (!outcome.wrote || !note) return undefined;
    await appendFile(join(this.dir, key, BROKEN_LOG), `${JSON.stringify(note)}\n`);
    return note;
  }

  async lastBroken(key: string): Promise<BrokenLock | undefined> {
    checkLockRequest(key);
    const text = await readFile(join(this.dir, key, BROKEN_LOG), 'utf8').catch((e: unknown) => {
      if (errorCode(e) === 'ENOENT') return '';
      throw e;
    });
    const last = text.trimEnd().split('\n').at(-1);
    if (!last) return undefined;
    try {
      const note: unknown = JSON.parse(last);
      return isBrokenLock(note) ? note : undefined;
    } catch {
      return undefined;
    }
  }

  private handle(key: string, token: string): LockHandle {
    const mine = (live: Stored | undefined): live is Stored => live?.token === token;
    return {
      held: true,
      key,
      renew: async (ttlMs) => {
        checkLockRequest(key, ttlMs);
        const outcome = await this.change(key, (live, now) => (mine(live) ? { write: { ...live, expiresAt: iso(now + ttlMs) } } : 'keep'));
        return outcome.wrote;
      },
      release: async () => {
        await this.change(key, (live) => (mine(live) ? { write: null } : 'keep'));
      },
    };
  }

  /** Reads the latest generation, asks `decide`, and writes the next one unless told to keep it. */
  private async change(key: string, decide: Decide): Promise<{ wrote: boolean; live: Stored | undefined }> {
    const dir = join(this.dir, key);
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const latest = await this.latest(dir, now);
      if (!latest) continue;
      const decision = decide(latest.live, now);
      if (decision === 'keep') return { wrote: false, live: latest.live };
      const next = latest.generation + 1;
      if (!(await this.create(dir, next, decision.write))) continue;
      const highest = Math.max(...(await generations(dir)));
      if (highest !== next) {
        await this.remove(dir, next);
        continue;
      }
      await this.prune(dir, next);
      return { wrote: true, live: decision.write ?? undefined };
    }
    throw this.tooBusy(key);
  }

  /** The highest generation and its live holder; undefined when it vanished while being read. */
  private async latest(dir: string, now: number): Promise<Latest | undefined> {
    const found = await generations(dir);
    if (found.length === 0) return { generation: 0, live: undefined };
    const generation = Math.max(...found);
    let text: string;
    try {
      text = await readFile(join(dir, `${generation}.lock`), 'utf8');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      stored = undefined; // unreadable: treated as free, so nothing stays stuck
    }
    const live = isStored(stored) && Date.parse(stored.expiresAt) > now ? stored : undefined;
    return { generation, live };
  }

  /** Creates `<generation>.lock` with its whole content at once; false when it already exists. */
  private async create(dir: string, generation: number, content: Stored | null): Promise<boolean> {
    const temp = join(dir, `.tmp-${randomUUID()}`);
    await writeFile(temp, `${JSON.stringify(content)}\n`, { flag: 'wx' });
    try {
      await link(temp, join(dir, `${generation}.lock`));
      return true;
    } catch (e) {
      if (errorCode(e) === 'EEXIST') return false;
      throw e;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  private async prune(dir: string, below: number): Promise<void> {
    const old = (await generations(dir)).filter((g) => g < below);
    await Promise.all(old.map((g) => this.remove(dir, g)));
  }

  private async remove(dir: string, generation: number): Promise<void> {
    await unlink(join(dir, `${generation}.lock`)).catch((e: unknown) => {
      if (errorCode(e) !== 'ENOENT') throw e;
    });
  }

  private tooBusy(key: string): NestorError {
    return new NestorError(ErrorCode.Conflict, `lock ${key} is changing too fast to be read; try again`, { retryable: true });
  }
}
