/**
 * Field paths in the `FieldsV1` vocabulary: `f:name`, `k:{"name":"web"}`, `v:"value"` and `.`
 * (the list item itself). A path is an array of such elements.
 */
import { isObject, type JsonObject, type JsonValue } from './object-util.js';
import { itemKey, listTypeOf, sameKey } from './list-schema.js';

export type FieldPath = readonly string[];

/** Fields the API server never records in managedFields. */
const IGNORED_TOP = new Set(['apiVersion', 'kind', 'status']);
const IGNORED_META = new Set([
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'managedFields', 'deletionTimestamp', 'selfLink',
]);

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

export function parsePathKey(key: string): FieldPath {
  return JSON.parse(key) as string[];
}

function isIgnored(path: FieldPath, field: string): boolean {
  if (path.length === 0) return IGNORED_TOP.has(field);
  return path.length === 1 && path[0] === 'f:metadata' && IGNORED_META.has(field);
}

/** Every owned leaf of an object: scalars, atomic lists, empty maps, set values and list-item markers. */
export function leafPaths(obj: JsonObject, prefix: FieldPath = []): FieldPath[] {
  const paths: FieldPath[] = [];
  for (const [field, value] of Object.entries(obj)) {
    if (value === null || isIgnored(prefix, field)) continue;
    const path = [...prefix, `f:${field}`];
    if (isObject(value)) {
      const nested = leafPaths(value, path);
      paths.push(...(nested.length > 0 || Object.keys(value).length > 0 ? nested : [path]));
    } else if (Array.isArray(value)) {
      paths.push(...listPaths(field, value, path));
    } else {
      paths.push(path);
    }
  }
  return paths;
}

function listPaths(field: string, list: JsonValue[], path: FieldPath): FieldPath[] {
  const listType = listTypeOf(field, list);
  if (listType.type === 'atomic') return [path];
  if (listType.type === 'set') return list.map((v) => [...path, `v:${JSON.stringify(v)}`]);
  const paths: FieldPath[] = [];
  for (const item of list) {
    const key = itemKey(item, listType.keys);
    if (!key || !isObject(item)) continue;
    const itemPath = [...path, `k:${JSON.stringify(key)}`];
    paths.push([...itemPath, '.'], ...leafPaths(item, itemPath));
  }
  return paths;
}

interface Located {
  found: boolean;
  value?: JsonValue;
}

function step(current: JsonValue | undefined, element: string, field: string): Located {
  if (element === '.') return { found: current !== undefined, value: current };
  if (element.startsWith('f:')) {
    if (!isObject(current) || !Object.hasOwn(current, element.slice(2))) return { found: false };
    return { found: true, value: current[element.slice(2)] };
  }
  if (!Array.isArray(current)) return { found: false };
  const wanted = JSON.parse(element.slice(2)) as JsonValue;
  if (element.startsWith('v:')) {
    return current.some((v) => JSON.stringify(v) === JSON.stringify(wanted)) ? { found: true, value: wanted } : { found: false };
  }
  const listType = listTypeOf(field, current);
  const keys = listType.type === 'map' ? listType.keys : Object.keys(isObject(wanted) ? wanted : {});
  const item = current.find((i) => sameKey(i, wanted, keys));
  return item === undefined ? { found: false } : { found: true, value: item };
}

function fieldOf(element: string | undefined, previous: string): string {
  return element?.startsWith('f:') ? element.slice(2) : previous;
}

export function valueAt(obj: JsonValue, path: FieldPath): Located {
  let current: Located = { found: true, value: obj };
  let field = '';
  for (const element of path) {
    current = step(current.value, element, field);
    if (!current.found) return current;
    field = fieldOf(element, field);
  }
  return current;
}

/** Removes the field at `path` (a list item for `.`/`k:` paths, a value for `v:` paths). */
export function removeAt(obj: JsonObject, path: FieldPath): void {
  const target = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const last = target[target.length - 1];
  if (last === undefined) return;
  const parentPath = target.slice(0, -1);
  const parent = valueAt(obj, parentPath).value;
  const field = parentPath.reduce((f, e) => fieldOf(e, f), '');
  if (last.startsWith('f:')) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = step(parent, last, field);
  if (!item.found) return;
  const index = parent.findIndex((i) => i === item.value || JSON.stringify(i) === JSON.stringify(item.value));
  if (index >= 0) parent.splice(index, 1);
}

/** `.spec.template.spec.containers[name="web"].image`, as the API server prints field paths. */
export function formatPath(path: FieldPath): string {
  return path.map((element) => {
    if (element.startsWith('f:')) return `.${element.slice(2)}`;
    if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
    if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as Record<string, JsonValue>;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    }
    return '';
  }).join('');
}

/** True when `ancestor` is `path` itself or one of its prefixes. */
export function isPrefix(ancestor: FieldPath, path: FieldPath): boolean {
  const base = ancestor[ancestor.length - 1] === '.' ? ancestor.slice(0, -1) : ancestor;
  return base.length <= path.length && base.every((e, i) => path[i] === e);
}
