/** Plain JSON helpers shared by the simulator modules. */

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A Kubernetes object as stored: always has metadata with a name. */
export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of plain JSON: several times cheaper than structuredClone, which every request pays for. */
export function deepClone<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => deepClone(item)) as T;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) copy[key] = deepClone(value[key]!);
  return copy as T;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Reads a nested object, creating it when absent. */
export function child(obj: JsonObject, key: string): JsonObject {
  const existing = obj[key];
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

export function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function getIn(obj: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let cursor: JsonValue | undefined = obj;
  for (const key of path) {
    if (!isObject(cursor)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}

export function stringMap(value: JsonValue | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') result[k] = v;
  return result;
}

export function metaName(obj: KubeObject): string {
  return str(obj.metadata.name) ?? '';
}

export function metaNamespace(obj: KubeObject): string | undefined {
  return str(obj.metadata.namespace);
}

export function asKubeObject(value: unknown): KubeObject | undefined {
  if (!isObject(value) || !isObject(value.metadata)) return undefined;
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return undefined;
  return value as KubeObject;
}
