// Scalars exactly as js-yaml 4's dump writes them with the options of toYaml (block style, indent
// 2, lineWidth -1, single quotes, no forced quotes): the same style choice, quoting and escapes.
// A port of js-yaml's chooseScalarStyle/writeScalar for that one configuration; test/unit/render
// compares it with js-yaml on tricky strings.
import type yaml from 'js-yaml';

const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const SHARP = 0x23;
const BOM = 0xfeff;

/** Read by js-yaml as booleans (YAML 1.1) or sexagesimal numbers: single-quoted as they are. */
const DEPRECATED_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const DEPRECATED_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;
/** `-?:,[]{}#&*!|>'"%@` and the backquote cannot start a plain scalar. */
const NOT_FIRST = new Set([...'-?:,[]{}#&*!|=>\'"%@`'].map((c) => c.charCodeAt(0)));
const ESCAPES: Record<number, string> = {
  0x00: '\\0', 0x07: '\\a', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r',
  0x1b: '\\e', 0x22: '\\"', 0x5c: '\\\\', 0x85: '\\N', 0xa0: '\\_', 0x2028: '\\L', 0x2029: '\\P',
};
/** Simple strings (see isSimple) are plain unless one of these words. */
const SIMPLE_BUT_TYPED = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', ...DEPRECATED_BOOLEANS]);

const enum Style { Plain, Single, Literal, Double }

/** Tells whether a plain scalar would be read as another type (null, bool, number): js-yaml's testImplicitResolving. */
export type Ambiguity = (s: string) => boolean;

export function implicitResolver(schema: yaml.Schema): Ambiguity {
  const types = (schema as unknown as { compiledImplicit?: unknown }).compiledImplicit;
  if (!Array.isArray(types) || types.length === 0) throw new Error('js-yaml schema without compiledImplicit: cannot mirror its dumper');
  const resolvers = (types as yaml.Type[]).map((t) => t.resolve.bind(t));
  return (s) => resolvers.some((resolve) => resolve(s));
}

/** A string as js-yaml writes it at `level` (a map value or list item), or as a map key. */
export function stringScalar(s: string, level: number, isKey: boolean, ambiguous: Ambiguity): string {
  if (s.length === 0) return "''";
  if (isSimple(s)) return s;
  if (DEPRECATED_BOOLEANS.has(s) || DEPRECATED_BASE60.test(s)) return `'${s}'`;
  switch (chooseStyle(s, isKey, ambiguous)) {
    case Style.Plain:
      return s;
    case Style.Single:
      return `'${s.replace(/'/g, "''")}'`;
    case Style.Literal:
      return `|${blockHeader(s)}${dropEndingNewline(indentLines(s, 2 * Math.max(1, level)))}`;
    case Style.Double:
      return `"${escapeString(s)}"`;
  }
}

/** A letter, then letters, digits and `_./-` only, and no word that reads as null or a boolean: plain as is. */
export function isSimple(s: string): boolean {
  const first = s.charCodeAt(0) | 0x20;
  if (first < 0x61 || first > 0x7a) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (!letter && !(c >= 0x2d && c <= 0x39) && c !== 0x5f) return false;
  }
  return !SIMPLE_BUT_TYPED.has(s);
}

function chooseStyle(s: string, singleLineOnly: boolean, ambiguous: Ambiguity): Style {
  let plain = isPlainSafeFirst(codePointAt(s, 0)) && isPlainSafeLast(codePointAt(s, s.length - 1));
  let hasLineBreak = false;
  let prev = -1;
  for (let i = 0; i < s.length; i += prev >= 0x10000 ? 2 : 1) {
    const c = codePointAt(s, i);
    if (c === LF && !singleLineOnly) hasLineBreak = true;
    else if (!isPrintable(c)) return Style.Double;
    plain = plain && isPlainSafe(c, prev);
    prev = c;
  }
  if (!hasLineBreak) return plain && !ambiguous(s) ? Style.Plain : Style.Single;
  return Style.Literal;
}

function codePointAt(s: string, pos: number): number {
  const first = s.charCodeAt(pos);
  if (first >= 0xd800 && first <= 0xdbff && pos + 1 < s.length) {
    const second = s.charCodeAt(pos + 1);
    if (second >= 0xdc00 && second <= 0xdfff) return (first - 0xd800) * 0x400 + second - 0xdc00 + 0x10000;
  }
  return first;
}

function isPrintable(c: number): boolean {
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) ||
    (c >= 0xe000 && c <= 0xfffd && c !== BOM) || (c >= 0x10000 && c <= 0x10ffff);
}

const isWhitespace = (c: number): boolean => c === SPACE || c === TAB;
const isNsCharOrWhitespace = (c: number): boolean => isPrintable(c) && c !== BOM && c !== 0x0d && c !== LF;

/** ns-plain-char in block context: `#` only after a non-space, `:` only before a non-space. */
function isPlainSafe(c: number, prev: number): boolean {
  const nsOrWhite = isNsCharOrWhitespace(c);
  const ns = nsOrWhite && !isWhitespace(c);
  return (nsOrWhite && c !== SHARP && !(prev === COLON && !ns)) ||
    (isNsCharOrWhitespace(prev) && !isWhitespace(prev) && c === SHARP) ||
    (prev === COLON && ns);
}

function isPlainSafeFirst(c: number): boolean {
  return isPrintable(c) && c !== BOM && !isWhitespace(c) && !NOT_FIRST.has(c);
}

function isPlainSafeLast(c: number): boolean {
  return !isWhitespace(c) && c !== COLON;
}

function blockHeader(s: string): string {
  const indentIndicator = /^\n* /.test(s) ? '2' : '';
  const clip = s[s.length - 1] === '\n';
  const keep = clip && (s[s.length - 2] === '\n' || s === '\n');
  return `${indentIndicator}${keep ? '+' : clip ? '' : '-'}\n`;
}

/** Every line but the empty ones indented. */
function indentLines(s: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  let out = '';
  for (let pos = 0; pos < s.length; ) {
    const next = s.indexOf('\n', pos);
    const end = next === -1 ? s.length : next + 1;
    const line = s.slice(pos, end);
    if (line !== '\n') out += pad;
    out += line;
    pos = end;
  }
  return out;
}

function dropEndingNewline(s: string): string {
  return s[s.length - 1] === '\n' ? s.slice(0, -1) : s;
}

function escapeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = codePointAt(s, i);
    const escape = ESCAPES[c];
    if (!escape && isPrintable(c)) out += c >= 0x10000 ? s.slice(i, i + 2) : s[i];
    else out += escape ?? hexEscape(c);
    i += c >= 0x10000 ? 2 : 1;
  }
  return out;
}

function hexEscape(c: number): string {
  const hex = c.toString(16).toUpperCase();
  const [handle, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${handle}${'0'.repeat(width - hex.length)}${hex}`;
}
