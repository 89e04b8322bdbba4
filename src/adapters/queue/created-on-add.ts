// Whether an enqueue created its job or met one already there under the same key, answered by the
// add itself: BullMQ's add answers the job id either way, so its script runs wrapped
// (bullmq-scripts.ts) and answers {id, 1 when the job's key existed before it}. One command, where
// a read of the stored job after the add took a second (and its socket write a writev).
import type { BullmqScripts, WrappedScript } from './bullmq-scripts.js';
import { wrapLua } from './bullmq-scripts.js';

const ADD = 'addStandardJob';
const KEYS = 9;
// A custom id's duplicate is answered by its id, before anything is stored.
const DUPLICATE = 'if rcall("EXISTS", jobIdKey) == 1 then';

// ARGV's tail, after BullMQ's own arguments: the job's key.
const BEFORE = "local existed = redis.call('EXISTS', ARGV[#ARGV])";
const AFTER = `if type(answer) == 'string' then return {answer, existed} end
return answer`;

/** BullMQ's add wrapped, run instead of `addStandardJob`; or a line saying why not. */
export function addScript(scripts: BullmqScripts): WrappedScript | string {
  const script = scripts[ADD];
  if (script?.name !== ADD || script.keys !== KEYS || !script.content.includes(DUPLICATE) || !script.content.trimEnd().endsWith('return jobId')) {
    return `BullMQ's ${ADD} script is not the shape Nestor's enqueue wraps (${KEYS} keys, a duplicate answered by its id): each enqueue reads its job back`;
  }
  return { command: `nestorCreated:${ADD}`, keys: KEYS, lua: wrapLua(script, BEFORE, AFTER) };
}

/** What the wrapped add answered: whether this add created the job; undefined when its answer is BullMQ's own. */
export function createdBy(answer: unknown): boolean | undefined {
  return Array.isArray(answer) && typeof answer[0] === 'string' ? answer[1] === 0 : undefined;
}
