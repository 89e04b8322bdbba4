/** JSON merge patch (RFC 7386), strategic merge patch (the subset kubectl sends) and JSON patch. */
import { ApiError } from './api-error.js';
import { deepClone, isObject, type JsonObject, type JsonValue } from './object-util.js';
import { listTypeOf } from './list-schema.js';

export function jsonMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return deepClone(patch);
  const result: JsonObject = isObject(target) ? deepClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = jsonMergePatch(result[key] ?? null, value);
  }
  return result;
}

const DIRECTIVE_PREFIXES = ['$setElementOrder/', '$deleteFromPrimitiveList/', '$retainKeys'];

function isDirective(key: string): boolean {
  return key === '$patch' || DIRECTIVE_PREFIXES.some((p) => key.startsWith(p));
}

function patchList(field: string, target: JsonValue[], patch: JsonValue[]): JsonValue[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map((i) => deepClone(i));
  }
  const listType = listTypeOf(field, target, patch);
  if (listType.type === 'set') {
    const seen = new Set(target.map((v) => JSON.stringify(v)));
    return [...deepClone(target), ...patch.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  if (listType.type !== 'map') return patch.map((i) => deepClone(i));
  const key = listType.mergeKey;
  const result = deepClone(target);
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) {
      throw new ApiError(400, 'BadRequest', `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    const index = result.findIndex((existing) => isObject(existing) && JSON.stringify(existing[key]) === JSON.stringify(item[key]));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index] ?? null, item, field);
    } else {
      result.push(strategicMergePatch(null, item, field));
    }
  }
  return result;
}

function deleteFromPrimitiveList(result: JsonObject, field: string, values: JsonValue): void {
  const current = result[field];
  if (!Array.isArray(current) || !Array.isArray(values)) return;
  const drop = new Set(values.map((v) => JSON.stringify(v)));
  result[field] = current.filter((v) => !drop.has(JSON.stringify(v)));
}

/**
 * Strategic merge patch: maps merge, lists of containers/ports/env/volumes merge by their key,
 * `$patch: delete|replace` and `$deleteFromPrimitiveList/<field>` are honoured, `$setElementOrder`
 * and `$retainKeys` directives are accepted and ignored (order is kept as merged).
 */
export function strategicMergePatch(target: JsonValue, patch: JsonValue, field = ''): JsonValue {
  if (Array.isArray(patch)) return Array.isArray(target) ? patchList(field, target, patch) : patchList(field, [], patch);
  if (!isObject(patch)) return deepClone(patch);
  if (patch.$patch === 'delete') return null;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  const result: JsonObject = isObject(target) ? deepClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) deleteFromPrimitiveList(result, key.slice(25), value);
    if (isDirective(key)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = strategicMergePatch(result[key] ?? null, value, key);
    if (merged === null && isObject(value) && value.$patch === 'delete') delete result[key];
    else result[key] = merged;
  }
  return result;
}

function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!isDirective(k)) out[k] = stripDirectives(v);
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: JsonValue;
  from?: string;
}

function pointer(path: string): string[] {
  return path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: JsonValue, tokens: string[]): { parent: JsonValue; last: string } {
  let cursor = doc;
  for (const token of tokens.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(cursor) ? cursor[Number(token)] : isObject(cursor) ? cursor[token] : undefined;
    if (next === undefined) throw new ApiError(422, 'Invalid', `jsonpatch: missing path element "${token}"`);
    cursor = next;
  }
  return { parent: cursor, last: tokens[tokens.length - 1] ?? '' };
}

/** RFC 6902 JSON patch: add, remove, replace, test (enough for kubectl's managed-fields upgrade). */
export function jsonPatch(target: JsonValue, ops: JsonValue): JsonValue {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be a list of operations');
  const doc = deepClone(target);
  for (const raw of ops) {
    const op = raw as unknown as JsonPatchOp;
    const { parent, last } = parentOf(doc, pointer(op.path));
    if (op.op === 'test') {
      const current = Array.isArray(parent) ? parent[Number(last)] : isObject(parent) ? parent[last] : undefined;
      if (JSON.stringify(current) !== JSON.stringify(op.value)) throw new ApiError(422, 'Invalid', `jsonpatch test operation failed at ${op.path}`);
    } else if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op.op === 'remove') parent.splice(index, 1);
      else parent.splice(index, op.op === 'replace' ? 1 : 0, deepClone(op.value ?? null));
    } else if (isObject(parent)) {
      if (op.op === 'remove') delete parent[last];
      else parent[last] = deepClone(op.value ?? null);
    }
  }
  return doc;
}
