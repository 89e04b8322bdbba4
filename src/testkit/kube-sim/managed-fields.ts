/** `metadata.managedFields`: which manager owns which field, kept at leaf-path granularity. */
import { isObject, str, type JsonObject, type JsonValue, type KubeObject } from './object-util.js';
import { leafPaths, parsePathKey, pathKey, valueAt, type FieldPath } from './field-path.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  fields: Set<string>;
}

function decodeFields(tree: JsonValue | undefined, prefix: string[] = [], out = new Set<string>()): Set<string> {
  if (!isObject(tree)) return out;
  for (const [element, sub] of Object.entries(tree)) {
    const path = [...prefix, element];
    if (isObject(sub) && Object.keys(sub).length > 0) decodeFields(sub, path, out);
    else out.add(pathKey(path));
  }
  return out;
}

function encodeFields(fields: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const key of [...fields].sort()) {
    let node = root;
    for (const element of parsePathKey(key)) {
      const next = node[element];
      node = isObject(next) ? next : (node[element] = {});
    }
  }
  return root;
}

export function readManagedFields(obj: KubeObject | undefined): ManagerEntry[] {
  const raw = obj?.metadata.managedFields;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((entry) => ({
    manager: str(entry.manager) ?? '',
    operation: entry.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: str(entry.apiVersion) ?? '',
    time: str(entry.time) ?? '',
    fields: decodeFields(entry.fieldsV1),
  }));
}

/** Writes entries back, dropping fields that no longer exist in the object and empty entries. */
export function writeManagedFields(obj: KubeObject, entries: readonly ManagerEntry[]): void {
  const present = new Set(leafPaths(obj).map(pathKey));
  const kept = entries
    .map((e) => ({ ...e, fields: new Set([...e.fields].filter((f) => present.has(f) || stillExists(obj, f))) }))
    .filter((e) => e.fields.size > 0);
  if (kept.length === 0) {
    delete obj.metadata.managedFields;
    return;
  }
  obj.metadata.managedFields = kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFields(e.fields),
  }));
}

function stillExists(obj: KubeObject, key: string): boolean {
  return valueAt(obj, parsePathKey(key)).found;
}

export function entryFor(entries: ManagerEntry[], manager: string, operation: Operation, apiVersion: string, time: string): ManagerEntry {
  const existing = entries.find((e) => e.manager === manager && e.operation === operation);
  if (existing) {
    existing.apiVersion = apiVersion;
    existing.time = time;
    return existing;
  }
  const created: ManagerEntry = { manager, operation, apiVersion, time, fields: new Set() };
  entries.push(created);
  return created;
}

/** Leaf paths whose value differs between two versions (added, changed or removed). */
export function changedPaths(before: KubeObject | undefined, after: KubeObject): { changed: FieldPath[]; removed: FieldPath[] } {
  const afterPaths = leafPaths(after);
  const beforePaths = before ? leafPaths(before) : [];
  const changed = afterPaths.filter((p) => {
    if (!before) return true;
    const old = valueAt(before, p);
    return !old.found || JSON.stringify(old.value) !== JSON.stringify(valueAt(after, p).value);
  });
  const afterKeys = new Set(afterPaths.map(pathKey));
  const removed = beforePaths.filter((p) => !afterKeys.has(pathKey(p)));
  return { changed, removed };
}

/**
 * Records a non-apply write (create, update, merge or strategic patch): the manager takes
 * ownership of every field it changed, other managers lose them.
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, time: string): void {
  const entries = readManagedFields(before);
  const { changed, removed } = changedPaths(before, after);
  const taken = new Set([...changed, ...removed].map(pathKey));
  for (const entry of entries) for (const key of taken) entry.fields.delete(key);
  const mine = entryFor(entries, manager, 'Update', after.apiVersion, time);
  for (const p of changed) mine.fields.add(pathKey(p));
  writeManagedFields(after, entries);
}
