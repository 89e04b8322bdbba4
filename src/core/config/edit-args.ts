// The arguments of `config set|unset` and `scale`, checked before anything is read or written.
// Error messages name the bad argument but never repeat a value (it may be a secret).
import { ErrorCode, NestorError } from '../errors.js';
import { ENV_KEY, ENV_REFERENCE, PROCESS_NAME } from './schema-constants.js';

/** `web=3:9`: between 3 and 9 replicas; `worker=2`: exactly 2. */
export interface ScaleSpec {
  process: string;
  min: number;
  max: number;
}

const envKey = new RegExp(ENV_KEY);
const processName = new RegExp(PROCESS_NAME);
const MAX_REPLICAS = 1000;

const bad = (message: string): NestorError => new NestorError(ErrorCode.BadInput, message);

/** Throws BadInput unless `key` is an environment variable name. */
export function checkVariableName(key: string): void {
  if (!envKey.test(key)) {
    throw bad(`invalid variable name "${key}": expected letters, digits and _, not starting with a digit`);
  }
}

/**
 * Throws BadInput unless `key` is a variable name and `value` can be set from a command: a value
 * `$NAME` would be read from Nestor's own environment at render time (its tokens, for one).
 */
export function checkAssignment(key: string, value: string): void {
  checkVariableName(key);
  if (ENV_REFERENCE.test(value)) {
    throw bad(`${key}: a value of the form $NAME reads Nestor's own environment and cannot be set by a command`);
  }
}

/** `KEY=VALUE ...` into a map (insertion order kept); the value is everything after the first `=`. */
export function parseAssignments(args: readonly string[]): Record<string, string> {
  if (args.length === 0) throw bad('give at least one KEY=VALUE');
  const entries = new Map<string, string>();
  args.forEach((arg, i) => {
    const at = arg.indexOf('=');
    if (at < 0) throw bad(`argument ${i + 1} has no "=": expected KEY=VALUE`);
    const key = arg.slice(0, at);
    const value = arg.slice(at + 1);
    checkAssignment(key, value);
    if (entries.has(key)) throw bad(`${key} is given twice`);
    entries.set(key, value);
  });
  return Object.fromEntries(entries);
}

function replicas(arg: string, text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) > MAX_REPLICAS) {
    throw bad(`invalid scale "${arg}": replicas must be whole numbers from 0 to ${MAX_REPLICAS}`);
  }
  return Number(text);
}

function parseScaleSpec(arg: string): ScaleSpec {
  const match = /^([^=]*)=([^:]*)(?::(.*))?$/.exec(arg);
  if (!match) throw bad(`invalid scale "${arg}": expected <process>=<min>[:<max>] such as web=3:9 or worker=2`);
  const [, process = '', minText = '', maxText] = match;
  if (!processName.test(process)) {
    throw bad(`invalid scale "${arg}": "${process}" is not a process name (lowercase letters, digits and -, such as web or worker)`);
  }
  const min = replicas(arg, minText);
  const max = maxText === undefined ? min : replicas(arg, maxText);
  if (min > max) throw bad(`invalid scale "${arg}": the minimum ${min} is above the maximum ${max}`);
  if (max < 1) throw bad(`invalid scale "${arg}": the maximum must be at least 1`);
  return { process, min, max };
}

/** `web=3:9 worker=2`, each process at most once. */
export function parseScaleSpecs(args: readonly string[]): ScaleSpec[] {
  if (args.length === 0) throw bad('give at least one <process>=<min>[:<max>], such as web=3:9');
  const specs = args.map(parseScaleSpec);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.process)) throw bad(`${spec.process} is scaled twice`);
    seen.add(spec.process);
  }
  return specs;
}
