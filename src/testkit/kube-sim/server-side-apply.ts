/** Server-side apply: merge an applied configuration, track ownership per manager, detect conflicts. */
import { ApiError } from './api-error.js';
import { deepClone, isObject, type JsonObject, type JsonValue, type KubeObject } from './object-util.js';
import { formatPath, isPrefix, leafPaths, parsePathKey, pathKey, removeAt, valueAt, type FieldPath } from './field-path.js';
import { itemKey, listTypeOf, sameKey } from './list-schema.js';
import { entryFor, readManagedFields, writeManagedFields, type ManagerEntry } from './managed-fields.js';

export interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  time: string;
}

export interface Conflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

function stripNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v);
  return out;
}

function mergeList(field: string, live: JsonValue[], applied: JsonValue[]): JsonValue[] {
  const listType = listTypeOf(field, live, applied);
  if (listType.type === 'atomic') return deepClone(applied);
  if (listType.type === 'set') {
    const seen = new Set(applied.map((v) => JSON.stringify(v)));
    return [...deepClone(applied), ...live.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  const result = deepClone(live);
  for (const item of applied) {
    const index = result.findIndex((existing) => sameKey(existing, item, listType.keys));
    if (index < 0 || itemKey(item, listType.keys) === undefined) result.push(deepClone(item));
    else result[index] = mergeValue(field, result[index] ?? null, item);
  }
  return result;
}

/** Applied values win; maps merge; associative lists merge by key; atomic lists are replaced. */
export function mergeValue(field: string, live: JsonValue, applied: JsonValue): JsonValue {
  if (isObject(live) && isObject(applied)) {
    const result = deepClone(live);
    for (const [k, v] of Object.entries(applied)) result[k] = k in result ? mergeValue(k, result[k] ?? null, v) : deepClone(v);
    return result;
  }
  if (Array.isArray(live) && Array.isArray(applied)) return mergeList(field, live, applied);
  return deepClone(applied);
}

function findConflicts(live: KubeObject, applied: KubeObject, entries: ManagerEntry[], manager: string): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const path of leafPaths(applied)) {
    if (path[path.length - 1] === '.' || path[path.length - 1]?.startsWith('v:')) continue;
    const key = pathKey(path);
    const before = valueAt(live, path);
    const after = valueAt(applied, path);
    if (before.found && JSON.stringify(before.value) === JSON.stringify(after.value)) continue;
    for (const entry of entries) {
      if (entry.manager === manager && entry.operation === 'Apply') continue;
      if (entry.fields.has(key)) conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
    }
  }
  return conflicts;
}

const CLIENT_SIDE_APPLY = 'kubectl-client-side-apply';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Like the API server's last-applied manager: a field that client-side `kubectl apply` set (it is in
 * the last-applied annotation) does not conflict when the object moves to server-side apply.
 */
function upgradedFromClientSideApply(live: KubeObject, conflict: Conflict): boolean {
  if (conflict.manager !== CLIENT_SIDE_APPLY) return false;
  const annotations = live.metadata.annotations;
  const lastApplied = isObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof lastApplied !== 'string') return false;
  try {
    return valueAt(JSON.parse(lastApplied) as JsonValue, conflict.path).found;
  } catch {
    return false;
  }
}

export function conflictError(conflicts: readonly Conflict[], group: string, kind: string, name: string): ApiError {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c]);
  const parts = [...byManager.values()].map((list) => {
    const head = `conflict${list.length > 1 ? 's' : ''} with "${list[0]?.manager}" using ${list[0]?.apiVersion}`;
    return list.length === 1 ? `${head}: ${formatPath(list[0]?.path ?? [])}` : `${head}:\n${list.map((c) => `- ${formatPath(c.path)}`).join('\n')}`;
  });
  const count = conflicts.length;
  const message = `Apply failed with ${count} conflict${count > 1 ? 's' : ''}: ${parts.join('\n')}`;
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: formatPath(c.path),
  }));
  return new ApiError(409, 'Conflict', message, { name, group, kind, causes });
}

/** Computes the object after an apply, or throws a 409 naming the other managers' fields. */
export function serverSideApply(req: ApplyRequest, errorContext: { group: string; plural: string }): KubeObject {
  const applied = stripNulls(req.applied) as KubeObject;
  const live = req.live ?? ({ apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} } as KubeObject);
  const entries = readManagedFields(req.live);
  const conflicts = findConflicts(live, applied, entries, req.manager).filter((c) => !upgradedFromClientSideApply(live, c));
  if (conflicts.length > 0 && !req.force) {
    throw conflictError(conflicts, errorContext.group, errorContext.plural, String(applied.metadata.name ?? ''));
  }
  const { managedFields: _ignored, ...appliedMeta } = applied.metadata;
  const merged = mergeValue('', live, { ...applied, metadata: appliedMeta }) as KubeObject;
  const appliedKeys = new Set(leafPaths(applied).map(pathKey));
  const mine = entryFor(entries, req.manager, 'Apply', applied.apiVersion, req.time);
  const others = entries.filter((e) => e !== mine);
  if (req.force) for (const c of conflicts) for (const e of others) e.fields.delete(pathKey(c.path));
  for (const key of mine.fields) {
    if (appliedKeys.has(key)) continue;
    const path = parsePathKey(key);
    const keptByOthers = others.some((e) => [...e.fields].some((f) => isPrefix(path, parsePathKey(f))));
    if (!keptByOthers) removeAt(merged, path);
  }
  mine.fields = appliedKeys;
  writeManagedFields(merged, entries);
  return merged;
}
