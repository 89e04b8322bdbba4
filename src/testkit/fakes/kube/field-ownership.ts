// Field ownership for the in-memory cluster's server-side apply: leaves of maps are fields;
// lists and scalars are atomic (one field each), as for most lists Kubernetes calls atomic.
import type { KubeObject } from '../../../core/ports/cluster.js';

export type Path = readonly string[];

/** Fields an apply never owns: identity. */
const IDENTITY = new Set(['["apiVersion"]', '["kind"]', '["metadata","name"]', '["metadata","namespace"]']);

export function clone<T>(value: T): T {
  return structuredClone(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stable key for a path (label keys may hold dots, so not a dotted string). */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

export function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (!isMap(value) || (Object.keys(value).length === 0 && prefix.length > 0)) return IDENTITY.has(pathKey(prefix)) ? [] : [prefix];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : leafPaths(v, [...prefix, k])));
}

export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (!isMap(current)) return undefined;
    current = current[segment];
  }
  return current;
}

function setAt(target: Record<string, unknown>, path: Path, value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    if (!isMap(current[segment])) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) current[last] = clone(value);
}

function removeAt(target: Record<string, unknown>, path: Path): void {
  const parent = valueAt(target, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent) && last !== undefined) delete parent[last];
}

/**
 * The object after `manager` applies `desired`: its previous fields that it no longer sets (and
 * no other manager owns) are removed, then every field it sets is written.
 */
export function applyFields(
  live: KubeObject | undefined, desired: KubeObject, paths: readonly Path[], owners: ReadonlyMap<string, Set<string>>, manager: string,
): KubeObject {
  const next: KubeObject = live ? clone(live) : { apiVersion: desired.apiVersion, kind: desired.kind, metadata: { ...identity(desired) } };
  const keep = new Set(paths.map(pathKey));
  for (const key of owners.get(manager) ?? []) {
    if (keep.has(key)) continue;
    const ownedByOthers = [...owners].some(([m, fields]) => m !== manager && fields.has(key));
    if (!ownedByOthers) removeAt(next, JSON.parse(key) as string[]);
  }
  for (const path of paths) setAt(next, path, valueAt(desired, path));
  return next;
}

function identity(obj: KubeObject): { name: string; namespace?: string } {
  return obj.metadata.namespace === undefined ? { name: obj.metadata.name } : { name: obj.metadata.name, namespace: obj.metadata.namespace };
}
