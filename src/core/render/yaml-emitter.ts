// A YAML writer for the JSON-like trees the renderer builds (plain maps, lists, strings, numbers,
// booleans, null), byte for byte what js-yaml 4's dump writes for them with toYaml's options
// (block style, indent 2, no refs, lineWidth -1, sorted keys) at a fraction of its cost: no type
// detection per node, no intermediate state. Anything else throws Unsupported, and the caller
// hands that document to js-yaml.
import { isSimple, stringScalar, type Ambiguity } from './yaml-scalar.js';

export class Unsupported extends Error {}

export interface EmitOptions {
  compareKeys: (a: string, b: string) => number;
  ambiguous: Ambiguity;
  /** Single-line strings as written: the same at any level and as keys; names and labels recur a lot. */
  scalars: Map<string, string>;
}

/** js-yaml writes a key longer than this as an explicit `? key` pair. */
const MAX_IMPLICIT_KEY = 1024;
const INDENTS: string[] = [];
const MAX_SCALARS = 20_000;

function newline(level: number): string {
  let s = INDENTS[level];
  if (s === undefined) {
    s = `\n${'  '.repeat(level)}`;
    INDENTS[level] = s;
  }
  return s;
}

/** One document, with its ending newline, without the `---` line. */
export function emitDocument(value: unknown, options: EmitOptions): string {
  if (value === undefined) return '';
  return `${emitNode(value, 0, true, options)}\n`;
}

function emitNode(value: unknown, level: number, compact: boolean, o: EmitOptions): string {
  switch (typeof value) {
    case 'string':
      return scalar(value, level, false, o);
    case 'number':
      return numberScalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? '[]' : emitList(value, level, compact, o);
      if (!isPlainMap(value)) throw new Unsupported('not a plain object');
      return emitMap(value, level, compact, o);
    default:
      throw new Unsupported(`a ${typeof value} value`);
  }
}

function scalar(s: string, level: number, isKey: boolean, o: EmitOptions): string {
  if (isSimple(s)) return s;
  let dump = o.scalars.get(s);
  if (dump !== undefined) return dump;
  dump = stringScalar(s, level, isKey, o.ambiguous);
  if (!s.includes('\n')) {
    if (o.scalars.size >= MAX_SCALARS) o.scalars.clear();
    o.scalars.set(s, dump);
  }
  return dump;
}

function isPlainMap(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function emitList(list: readonly unknown[], level: number, compact: boolean, o: EmitOptions): string {
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const dump = emitNode(item === undefined ? null : item, level + 1, true, o);
    if (!compact || out !== '') out += newline(level);
    out += dump.charCodeAt(0) === 0x0a ? '-' : '- ';
    out += dump;
  }
  return out;
}

function emitMap(map: Record<string, unknown>, level: number, compact: boolean, o: EmitOptions): string {
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  if (keys.length > 1) keys.sort(o.compareKeys);
  const nl = newline(level);
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = map[key];
    if (value === undefined) continue;
    const head = !compact || out !== '' ? nl : '';
    const keyDump = scalar(key, level + 1, true, o);
    if (keyDump.length > MAX_IMPLICIT_KEY) {
      out += `${head}? ${keyDump}${nl}${valuePart(emitNode(value, level + 1, true, o))}`;
    } else {
      out += head + keyDump + valuePart(emitNode(value, level + 1, false, o));
    }
  }
  return out === '' ? '{}' : out;
}

/** A nested block (starting with a newline) follows its `:` directly; anything else after `: `. */
function valuePart(dump: string): string {
  return dump.charCodeAt(0) === 0x0a ? `:${dump}` : `: ${dump}`;
}

/** js-yaml's int (decimal) and float (lowercase) representations. */
export function numberScalar(n: number): string {
  const negativeZero = n === 0 && 1 / n === -Infinity;
  if (n % 1 === 0 && !negativeZero) return n.toString(10);
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (negativeZero) return '-0.0';
  const text = n.toString(10);
  return /^[-+]?[0-9]+e/.test(text) ? text.replace('e', '.e') : text;
}
