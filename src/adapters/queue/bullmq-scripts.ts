// BullMQ's own Lua scripts, run wrapped where Nestor needs one more thing done in the same round
// trip (turn-on-fetch.ts, created-on-add.ts). A wrapper runs the script unchanged inside a
// function of its own and then adds its part; BullMQ's backend sends the wrapped script in place
// of its own through `execCommand`, the one place it runs every script. Each wrapper checks first
// that the script is still of the shape it was written for, and says so in one line if not.
import { createRequire } from 'node:module';
import { createRedisBackend, type BackendFactory, type RedisQueueBackend } from 'bullmq';
import type { Redis } from 'ioredis';

/** One of BullMQ's Lua scripts as its package holds them. */
export interface BullmqScript {
  name: string;
  content: string;
  keys: number;
}

export type BullmqScripts = Readonly<Record<string, BullmqScript | undefined>>;

/** BullMQ's scripts, from the package's CommonJS build (the one `import 'bullmq'` loads: no second copy). */
export function bullmqScripts(): BullmqScripts {
  return createRequire(import.meta.url)('bullmq/dist/cjs/scripts/index.js') as Record<string, BullmqScript | undefined>;
}

/** Lua that runs `script` as it is, its answer in the local `answer`, then `after`, which returns. */
export function wrapLua(script: BullmqScript, before: string, after: string): string {
  return `${before}
local function bullmq()
${script.content}
end
local answer = bullmq()
${after}
`;
}

/** A wrapped script defined on a connection under its own name. */
export interface WrappedScript {
  command: string;
  keys: number;
  lua: string;
}

export function defineOn(connection: Redis, scripts: Iterable<WrappedScript>): void {
  for (const { command, keys, lua } of scripts) {
    if (!(command in connection)) connection.defineCommand(command, { numberOfKeys: keys, lua });
  }
}

/**
 * Sends one of BullMQ's scripts in its stead, or undefined to let BullMQ's own go: the wrapped
 * command, the arguments to send (BullMQ's, and any after them) and what to make of the answer.
 */
export type Substitute = (commandName: string, args: unknown[]) => { command: string; args: unknown[]; answer?: (answer: unknown) => unknown } | undefined;

/**
 * BullMQ's Redis backend, some of its scripts sent as the Substitute made for it says (for
 * `new Queue/Worker(name, …, backendFactory)`).
 */
export function substitutingBackend(substituteFor: (backend: RedisQueueBackend) => Substitute): BackendFactory<RedisQueueBackend> {
  return (name, opts, extra) => {
    const backend = createRedisBackend(name, opts, extra);
    const substitute = substituteFor(backend);
    const exec = backend.execCommand.bind(backend);
    backend.execCommand = (client, commandName, args) => {
      const instead = substitute(commandName, args);
      if (!instead) return exec(client, commandName, args);
      const sent = client.runCommand(instead.command, instead.args) as Promise<unknown>;
      return instead.answer ? sent.then(instead.answer) : sent;
    };
    return backend;
  };
}
