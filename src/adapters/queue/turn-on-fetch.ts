// A queued job's app-env lock taken in the Redis script that hands the job to this worker, so the
// common case costs no round trip of its own. BullMQ's two fetching scripts (moveToActive, and
// moveToFinished, which fetches the next job as it ends one) run wrapped: after a fetch, the
// wrapper takes the fetched job's lock when no other job of its line waits (waiting-jobs.ts) and
// the lock is free or the job's own, bound to the job's lock in its queue as acquireUnlessWaiting
// binds it (redis-locks.ts). Which lock, whose and for what is in the job's envelope
// (JobEnvelope.turn, written at enqueue). Everything else (a busy lock, a line with jobs waiting, a
// holder that may be dead, a job enqueued without `turn`) is left to the worker's first try
// (bullmq-worker.ts), which then reads the same state again: the wrapper decides nothing alone.
// Should an upgrade of BullMQ change the shape the wrapper relies on, the worker runs BullMQ's
// scripts as they are and says so once.
import { createRequire } from 'node:module';
import { createRedisBackend, type BackendFactory, type RedisQueueBackend } from 'bullmq';
import type { Redis } from 'ioredis';
import { LOCK_LUA, type RedisLocks } from '../redis/redis-locks.js';

/** One of BullMQ's Lua scripts as its package holds them. */
export interface BullmqScript {
  name: string;
  content: string;
  keys: number;
}

/** The wrapped scripts by the name BullMQ runs them under, and their key counts. */
export type FetchScripts = ReadonlyMap<string, { command: string; keys: number; lua: string }>;

// A fetched job comes back as {HGETALL of its hash, its id, 0, 0}, from prepareJobForProcessing,
// which also sets the job's lock `<job key>:lock` to the worker's token.
const FETCHED = 'return {rcall("HGETALL", jobKey), jobId, 0, 0}';
const JOB_LOCK = 'rcall("SET", lockKey, opts[\'token\'], "PX", opts[\'lockDuration\'])';
const FETCHING: Readonly<Record<string, number>> = { moveToActive: 11, moveToFinished: 14 };

// ARGV's tail, after BullMQ's own arguments: the queue's job key prefix, the locks' key prefix,
// the waiting sets' key prefix, the lock's ttl in ms, nowOf's argument. -> the job's token in
// its queue (the lock's token too) when taken, else 0.
const TURN_LUA = `${LOCK_LUA}
local function nestorTurn(fields, jobId)
  local n = #ARGV
  local data
  for i = 1, #fields, 2 do
    if fields[i] == 'data' then data = fields[i + 1]; break end
  end
  if not data then return 0 end
  local ok, envelope = pcall(cjson.decode, data)
  if not ok or type(envelope) ~= 'table' or type(envelope['turn']) ~= 'table' then return 0 end
  local turn = envelope['turn']
  local lock, line, user, operation = turn['lock'], turn['line'], turn['user'], turn['operation']
  if type(lock) ~= 'string' or type(line) ~= 'string' or type(user) ~= 'string' or type(operation) ~= 'string' then return 0 end
  local bound = ARGV[n - 4] .. jobId .. ':lock'
  local token = redis.call('GET', bound)
  if not token then return 0 end
  for _, waiting in ipairs(redis.call('SMEMBERS', ARGV[n - 2] .. line)) do
    if waiting ~= jobId then return 0 end
  end
  local now = nowOf(ARGV[n])
  local key = ARGV[n - 3] .. lock
  local e = live(key, now)
  if e and e[1] ~= jobId then return 0 end
  hold(key, now, tonumber(ARGV[n - 1]), jobId, user, operation, token, '', '', bound, token, e and e[4] or string.format('%d', now))
  return token
end
`;

/** `script` run as it is, then the fetched job's turn taken: its answer gets a fifth element, the job's token when taken. */
function wrap(script: BullmqScript): string {
  return `${TURN_LUA}
local function bullmq()
${script.content}
end
local fetched = bullmq()
if type(fetched) == 'table' and type(fetched[1]) == 'table' and fetched[2] then fetched[5] = nestorTurn(fetched[1], fetched[2]) end
return fetched
`;
}

/** BullMQ's scripts, from the package's CommonJS build (the one `import 'bullmq'` loads: no second copy). */
export function bullmqScripts(): Readonly<Record<string, BullmqScript | undefined>> {
  return createRequire(import.meta.url)('bullmq/dist/cjs/scripts/index.js') as Record<string, BullmqScript | undefined>;
}

/**
 * The fetching scripts wrapped; or, when one is not of the shape the wrapper was written for
 * (its key count, the job lock set and the answer of a fetched job), a line saying which.
 */
export function fetchScripts(scripts: Readonly<Record<string, BullmqScript | undefined>>): FetchScripts | string {
  const wrapped = new Map<string, { command: string; keys: number; lua: string }>();
  for (const [name, keys] of Object.entries(FETCHING)) {
    const script = scripts[name];
    if (script?.name !== name || script.keys !== keys || !script.content.includes(FETCHED) || !script.content.includes(JOB_LOCK)) {
      return `BullMQ's ${name} script is not the shape Nestor's fetch wraps (${keys} keys, a fetched job's lock and answer): jobs take their app-env lock with a round trip of their own`;
    }
    wrapped.set(name, { command: `nestorTurn:${name}`, keys, lua: wrap(script) });
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
  scripts: FetchScripts;
}

// A claim is asked for once per job, when its run starts: one kept this long was lost with its
// job (a worker closing with a job fetched); losing one only costs that job the usual first try.
const MOST_CLAIMS = 10_000;

export class TurnOnFetch {
  /** The tokens of the fetches that took their job's lock (a token is one fetch of one job). */
  private readonly taken = new Set<string>();

  constructor(private readonly options: TurnOnFetchOptions) {
    for (const { command, keys, lua } of options.scripts.values()) {
      if (!(command in options.connection)) options.connection.defineCommand(command, { numberOfKeys: keys, lua });
    }
  }

  /** BullMQ's Redis backend, its fetches wrapped (for `new Worker(name, processor, opts, backendFactory)`). */
  readonly backendFactory: BackendFactory<RedisQueueBackend> = (name, opts, extra) => {
    const backend = createRedisBackend(name, opts, extra);
    const exec = backend.execCommand.bind(backend);
    const jobKeyPrefix = backend.toKey('');
    backend.execCommand = (client, commandName, args) => {
      const script = this.options.scripts.get(commandName);
      if (!script) return exec(client, commandName, args);
      const { prefix, now } = this.options.locks.scriptArgs();
      return (client.runCommand(script.command, [...args, jobKeyPrefix, prefix, this.options.waitingPrefix, this.options.ttlMs, now]) as Promise<unknown>)
        .then((answer) => this.note(answer));
    };
    return backend;
  };

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
