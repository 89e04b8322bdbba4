/**
 * How lists are merged, the subset of the OpenAPI `x-kubernetes-list-type` / `patchMergeKey`
 * annotations the simulated kinds need. Keyed by field name; `ports` depends on its items.
 */
import { isObject, type JsonValue } from './object-util.js';

export type ListType =
  | { type: 'map'; keys: readonly string[]; mergeKey: string }
  | { type: 'set' }
  | { type: 'atomic' };

const BY_NAME: Record<string, ListType> = {
  containers: { type: 'map', keys: ['name'], mergeKey: 'name' },
  initContainers: { type: 'map', keys: ['name'], mergeKey: 'name' },
  ephemeralContainers: { type: 'map', keys: ['name'], mergeKey: 'name' },
  env: { type: 'map', keys: ['name'], mergeKey: 'name' },
  volumes: { type: 'map', keys: ['name'], mergeKey: 'name' },
  volumeMounts: { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath' },
  imagePullSecrets: { type: 'map', keys: ['name'], mergeKey: 'name' },
  conditions: { type: 'map', keys: ['type'], mergeKey: 'type' },
  ownerReferences: { type: 'map', keys: ['uid'], mergeKey: 'uid' },
  hostAliases: { type: 'map', keys: ['ip'], mergeKey: 'ip' },
  finalizers: { type: 'set' },
};

const CONTAINER_PORTS: ListType = { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort' };
const SERVICE_PORTS: ListType = { type: 'map', keys: ['port', 'protocol'], mergeKey: 'port' };
const ATOMIC: ListType = { type: 'atomic' };

/** Defaults applied to missing key fields so `{port: 80}` and `{port: 80, protocol: TCP}` are one item. */
const KEY_DEFAULTS: Record<string, JsonValue> = { protocol: 'TCP' };

export function listTypeOf(field: string, ...samples: (JsonValue | undefined)[]): ListType {
  if (field === 'ports') {
    const items = samples.flatMap((s) => (Array.isArray(s) ? s : []));
    if (items.some((i) => isObject(i) && 'containerPort' in i)) return CONTAINER_PORTS;
    if (items.some((i) => isObject(i) && 'port' in i)) return SERVICE_PORTS;
    return ATOMIC;
  }
  return BY_NAME[field] ?? ATOMIC;
}

/** The identifying key of an associative list item, with key defaults filled in. */
export function itemKey(item: JsonValue, keys: readonly string[]): Record<string, JsonValue> | undefined {
  if (!isObject(item)) return undefined;
  const key: Record<string, JsonValue> = {};
  for (const k of [...keys].sort()) {
    const value = item[k] ?? KEY_DEFAULTS[k];
    if (value === undefined) return undefined;
    key[k] = value;
  }
  return key;
}

export function sameKey(a: JsonValue, b: JsonValue, keys: readonly string[]): boolean {
  const ka = itemKey(a, keys);
  const kb = itemKey(b, keys);
  return ka !== undefined && kb !== undefined && JSON.stringify(ka) === JSON.stringify(kb);
}
