// A queued job's app-env lock taken in the Redis script that hands the job to this worker, so the
// common case costs no round trip of its own. BullMQ's two fetching scripts (moveToActive, and
// moveToFinished, which fetches the next job as it ends one) run wrapped (bullmq-scripts.ts):
// after a fetch, the wrapper takes the fetched job's lock when no other job of its line waits
// (waiting-jobs.ts) and the lock is free or the job's own, bound to the job's lock in its queue as
// acquireUnlessWaiting binds it (redis-locks.ts). Which lock, whose and for what is the envelope's
// first field (JobEnvelope.turn, written at enqueue), read by a pattern, not a JSON parser: the
// parser's tables cost Redis more than the rest of the take. Everything else (a busy lock, a line
// with jobs waiting, a holder that may be dead, a job enqueued without `turn` or with an escaped
// character in it) is left to the worker's first try (bullmq-worker.ts), which reads the same
// state again: the wrapper decides nothing alone.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LOCK_LUA, type RedisLocks } from '../redis/redis-locks.js';
import { defineOn, substitutingBackend, wrapLua, type BullmqScript, type BullmqScripts, type WrappedScript } from './bullmq-scripts.js';

// A fetched job comes back as {HGETALL of its hash, its id, 0, 0}, from prepareJobForProcessing,
// which also sets the job's lock `<job key>:lock` to the worker's token.
const FETCHED = 'return {rcall("HGETALL", jobKey), jobId, 0, 0}';
const JOB_LOCK = 'rcall("SET", lockKey, opts[\'token\'], "PX", opts[\'lockDuration\'])';
const FETCHING: Readonly<Record<string, number>> = { moveToActive: 11, moveToFinished: 14 };

// The envelope as JSON.stringify writes it: `turn` first, its four strings in order; a value
// holding a quote or a backslash (escaped) does not match.
// (In the Lua string `\\` is one backslash: a set of neither a quote nor a backslash.)
const TURN_PATTERN = String.raw`^{"turn":{"lock":"([^"\\]*)","line":"([^"\\]*)","user":"([^"\\]*)","operation":"([^"\\]*)"}`;

/** What is the same at every fetch of one worker's queue, written into its scripts. */
interface TurnConstants {
  jobKeyPrefix: string;
  lockPrefix: string;
  waitingPrefix: string;
  ttlMs: number;
}

/** A Lua string literal of `text`, any byte of it (`\ddd` escapes: nothing in it can end the literal). */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text)) out += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  return `${out}"`;
}

// ARGV's last element, after BullMQ's own arguments, is nowOf's argument (the rest is written into
// the script: a fetch sends one argument more than BullMQ's). -> the job's token in its queue (the
// lock's token too) when taken, else 0.
const turnLua = (c: TurnConstants): string => `${LOCK_LUA}
local function nestorTurn(fields, jobId)
  local data
  for i = 1, #fields, 2 do
    if fields[i] == 'data' then data = fields[i + 1]; break end
  end
  if not data then return 0 end
  local lock, line, user, operation = string.match(data, '${TURN_PATTERN}')
  if not lock then return 0 end
  local bound = ${luaString(c.jobKeyPrefix)} .. jobId .. ':lock'
  local token = redis.call('GET', bound)
  if not token then return 0 end
  if take(${luaString(c.lockPrefix)} .. lock, ${luaString(c.waitingPrefix)} .. line, nowOf(ARGV[#ARGV]), ${Math.floor(c.ttlMs)}, jobId, '', user, operation, token, '', '', bound, token) ~= 1 then return 0 end
  return token
end
`;

// The answer gets a fifth element: the job's token when its lock was taken.
const AFTER = `if type(answer) == 'table' and type(answer[1]) == 'table' and answer[2] then answer[5] = nestorTurn(answer[1], answer[2]) end
return answer`;

/**
 * BullMQ's fetching scripts, to wrap, by the name BullMQ runs them under; or, when one is not of
 * the shape the wrapper was written for (its key count, the job lock set and the answer of a
 * fetched job), a line saying which.
 */
export function fetchScripts(scripts: BullmqScripts): ReadonlyMap<string, BullmqScript> | string {
  const fetching = new Map<string, BullmqScript>();
  for (const [name, keys] of Object.entries(FETCHING)) {
    const script = scripts[name];
    if (script?.name !== name || script.keys !== keys || !script.content.includes(FETCHED) || !script.content.includes(JOB_LOCK)) {
      return `BullMQ's ${name} script is not the shape Nestor's fetch wraps (${keys} keys, a fetched job's lock and answer): jobs take their app-env lock with a round trip of their own`;
    }
    fetching.set(name, script);
  }
  return fetching;
}

/** The fetching scripts wrapped for one queue and lock store, each under a name of its own (its text's hash). */
function wrappedFor(scripts: ReadonlyMap<string, BullmqScript>, constants: TurnConstants): Map<string, WrappedScript> {
  const before = turnLua(constants);
  const wrapped = new Map<string, WrappedScript>();
  for (const [name, script] of scripts) {
    const lua = wrapLua(script, before, AFTER);
    wrapped.set(name, { command: `nestorTurn:${name}:${createHash('sha1').update(lua).digest('hex').slice(0, 16)}`, keys: script.keys, lua });
  }
  return wrapped;
}

export interface TurnOnFetchOptions {
  /** The worker's own connection (BullMQ's fetches go over it): the wrapped scripts are defined on it. */
  connection: Redis;
  /** Must send over `connection` (the same Redis). */
  locks: RedisLocks;
  /** The waiting sets' key prefix (WaitingJobs.keyPrefix). */
  waitingPrefix: string;
  ttlMs: number;
  /** From fetchScripts. */
  scripts: ReadonlyMap<string, BullmqScript>;
}

// A claim is asked for once per job, when its run starts: one kept this long was lost with its
// job (a worker closing with a job fetched); losing one only costs that job the usual first try.
const MOST_CLAIMS = 10_000;

export class TurnOnFetch {
  /** The tokens of the fetches that took their job's lock (a token is one fetch of one job). */
  private readonly taken = new Set<string>();

  constructor(private readonly options: TurnOnFetchOptions) {}

  /** BullMQ's Redis backend, its fetches wrapped (for `new Worker(name, processor, opts, backendFactory)`). */
  readonly backendFactory = substitutingBackend((backend) => {
    const { locks, waitingPrefix, ttlMs, connection } = this.options;
    const scripts = wrappedFor(this.options.scripts, { jobKeyPrefix: backend.toKey(''), lockPrefix: locks.prefix, waitingPrefix, ttlMs });
    defineOn(connection, scripts.values());
    const note = (answer: unknown): unknown => this.note(answer);
    return (commandName, args) => {
      const script = scripts.get(commandName);
      if (!script) return undefined;
      return { command: script.command, args: args.concat(locks.scriptNow()), answer: note };
    };
  });

  /** Whether the fetch that gave its job `token` took the job's lock; each answer is given once. */
  claim(token: string): boolean {
    return this.taken.delete(token);
  }

  private note(answer: unknown): unknown {
    if (Array.isArray(answer) && typeof answer[4] === 'string') {
      if (this.taken.size >= MOST_CLAIMS) this.taken.clear();
      this.taken.add(answer[4]);
    }
    return answer;
  }
}
