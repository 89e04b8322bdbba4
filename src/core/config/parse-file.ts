import { load, YAMLException } from 'js-yaml';
import type { ConfigProblem } from '../errors.js';
import { isPlainObject, type ConfigFile, type ParsedFile } from './config-file.js';

export type ParseResult = { ok: true; parsed: ParsedFile } | { ok: false; problem: ConfigProblem };

/** Parses a config file with js-yaml (fast); an empty file is an empty map. */
export function parseFile(file: ConfigFile): ParseResult {
  let data: unknown;
  try {
    data = load(file.text, { filename: file.path });
  } catch (e) {
    if (e instanceof YAMLException) {
      const line = (e.mark?.line ?? 0) + 1;
      const col = (e.mark?.column ?? 0) + 1;
      return { ok: false, problem: { file: file.path, line, col, keyPath: '', message: `invalid YAML: ${e.reason}` } };
    }
    throw e;
  }
  if (data === undefined || data === null) data = {};
  if (!isPlainObject(data)) {
    return { ok: false, problem: { file: file.path, line: 1, col: 1, keyPath: '', message: 'expected a map of keys at the top of the file' } };
  }
  return { ok: true, parsed: { file, data } };
}
