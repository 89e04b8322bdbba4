// An app file of nestor-config opened for editing with the comment- and position-preserving
// `yaml` package, and written back: layout kept, edited values read back exactly, schema-valid.
import { load } from 'js-yaml';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isScalar, parseDocument, Scalar, YAMLMap, type ToStringOptions } from 'yaml';
import { ConfigError, ErrorCode, NestorError, type ConfigProblem } from '../errors.js';
import { isPlainObject } from './config-file.js';
import { keepLayout } from './keep-layout.js';
import { parseFile } from './parse-file.js';
import { validateFile } from './validate-file.js';

export type Path = readonly string[];

const problem = (path: string, message: string, line = 1, col = 1): ConfigProblem => ({ file: path, line, col, keyPath: '', message });

/** Parses the file (an absent one is an empty map); bad YAML or a non-map is a ConfigError. */
export function openAppFile(text: string | undefined, path: string): Document {
  if (text === undefined) return new Document({});
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
    throw new ConfigError([problem(path, `invalid YAML: ${error.message.split('\n')[0] ?? ''}`, line, col)]);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) (doc as Document).contents = new YAMLMap();
  if (!isMap(doc.contents)) throw new ConfigError([problem(path, 'expected a map of keys at the top of the file')]);
  return doc;
}

/** Whether js-yaml (what the loader uses) reads `value` written plain as that very string. */
function readsBackPlain(value: string): boolean {
  if (value.includes('\n')) return true; // yaml picks a block or quoted style; checked when written
  try {
    return load(value) === value;
  } catch {
    return false;
  }
}

/** Sets a scalar in place (keeping its comments) or adds it; strings quoted when plain would not read back. */
export function setScalar(doc: Document, path: Path, value: string | number | null): boolean {
  const current = doc.getIn(path, true);
  if (isScalar(current) && current.value === value) return false;
  const node = isScalar(current) ? current : new Scalar(value);
  node.value = value;
  const plain = node.type === undefined || node.type === Scalar.PLAIN;
  if (typeof value !== 'string') node.type = Scalar.PLAIN;
  else if (plain && !readsBackPlain(value)) node.type = Scalar.QUOTE_DOUBLE;
  if (node !== current) doc.setIn(path, node);
  return true;
}

/**
 * Makes `path` a map. A missing or null map is created; a null that deleted what other layers
 * give becomes a map of `KEY: null` for each of those keys, so the merge result stays the same.
 */
export function ensureMap(doc: Document, path: Path, inherited: unknown): YAMLMap {
  let node: unknown = doc.contents;
  let below: unknown = inherited;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] ?? '';
    const parent = node as YAMLMap;
    below = isPlainObject(below) ? below[key] : undefined;
    node = parent.get(key, true);
    if (isMap(node)) continue;
    const wasNull = parent.has(key) && (node === null || node === undefined || (isScalar(node) && node.value === null));
    if (parent.has(key) && !wasNull) {
      throw new NestorError(ErrorCode.ConfigInvalid, `${path.slice(0, i + 1).join('.')} is not a map: fix the file first`);
    }
    const map = new YAMLMap();
    if (wasNull && isPlainObject(below)) for (const k of Object.keys(below)) map.set(k, new Scalar(null));
    parent.set(key, map);
    node = map;
  }
  return node as YAMLMap;
}

/** Deletes `path`, then every map above it that the deletion left empty. */
export function deletePruning(doc: Document, path: Path): void {
  doc.deleteIn(path);
  for (let end = path.length - 1; end > 0; end--) {
    const parent = doc.getIn(path.slice(0, end), true);
    if (!isMap(parent) || parent.items.length > 0) return;
    doc.deleteIn(path.slice(0, end));
  }
}

function formatOf(text: string): ToStringOptions {
  const indents = [...text.matchAll(/^( +)[^\s#-]/gm)].map((m) => m[1]?.length ?? 2);
  const indent = Math.min(8, Math.max(1, indents.length ? Math.min(...indents) : 2));
  const indentSeq = !/^([ \t]*)[^\s#][^\n]*:[ \t]*\n\1- /m.test(text);
  const padded = (text.match(/[{[] /g) ?? []).length >= (text.match(/[{[][^\s\]}]/g) ?? []).length;
  return { lineWidth: 0, indent, indentSeq, flowCollectionPadding: padded };
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), data);
}

/**
 * The new text of the file: untouched lines as they were, each `expected` path reading back as
 * exactly its value (undefined: absent), and the whole file valid, or a ConfigError.
 */
export function writeAppFile(original: string | undefined, doc: Document, path: string, expected: ReadonlyArray<{ path: Path; value: unknown }>): string {
  const format = formatOf(original ?? '');
  const after = doc.toString(format);
  const text = original === undefined ? after : keepLayout(original, parseDocument(original).toString(format), after);
  const parsed = parseFile({ path, text });
  if (!parsed.ok) throw new ConfigError([parsed.problem]);
  for (const { path: keyPath, value } of expected) {
    if (!isDeepStrictEqual(valueAt(parsed.parsed.data, keyPath), value)) {
      throw new ConfigError([problem(path, `could not write ${keyPath.join('.')} so that it reads back exactly`)]);
    }
  }
  const problems = validateFile(parsed.parsed, 'app');
  if (problems.length > 0) throw new ConfigError(problems);
  return text;
}
