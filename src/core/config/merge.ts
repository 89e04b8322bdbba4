// DESIGN.md's merge: maps merge deeply, lists are replaced, scalars override, `null` deletes.
import { isPlainObject, type ParsedFile } from './config-file.js';

/** Which file set each merged leaf (a scalar or a whole list), keyed by `pathKey(path)`. */
export type Origins = Map<string, ParsedFile>;

export const pathKey = (path: readonly string[]): string => path.join('\u0000');

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out;
  }
  return value;
}

function forgetBelow(origins: Origins, path: readonly string[]): void {
  const prefix = pathKey(path);
  for (const key of origins.keys()) {
    if (key === prefix || key.startsWith(`${prefix}\u0000`)) origins.delete(key);
  }
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  from: ParsedFile,
  path: string[],
  origins: Origins | undefined,
): void {
  for (const [key, value] of Object.entries(source)) {
    const here = origins ? [...path, key] : path;
    const current = target[key];
    if (value === null) {
      delete target[key];
      if (origins) forgetBelow(origins, here);
    } else if (isPlainObject(value)) {
      // A map over a non-map starts afresh, so nested nulls (nothing to delete) vanish.
      if (!isPlainObject(current)) {
        target[key] = {};
        if (origins) forgetBelow(origins, here);
      }
      mergeInto(target[key] as Record<string, unknown>, value, from, here, origins);
    } else {
      target[key] = clone(value);
      if (origins) {
        forgetBelow(origins, here);
        origins.set(pathKey(here), from);
      }
    }
  }
}

/** Merges layers, lowest precedence first; pass `origins` to learn where every value came from. */
export function mergeLayers(layers: readonly ParsedFile[], origins?: Origins): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(merged, layer.data, layer, [], origins);
  return merged;
}

/** `base`, a merge's result (left as is), with more layers merged on top: the same as merging all the layers again. */
export function mergeOnto(base: Record<string, unknown>, layers: readonly ParsedFile[]): Record<string, unknown> {
  const merged = clone(base) as Record<string, unknown>;
  for (const layer of layers) mergeInto(merged, layer.data, layer, [], undefined);
  return merged;
}

/**
 * Entries of the map `key` whose last word, across the layers, is `null`: the merge deletes
 * them, but an environment that switches a process off must also override a Procfile.
 */
export function switchedOff(layers: readonly ParsedFile[], key: string): string[] {
  const off = new Set<string>();
  for (const layer of layers) {
    const map = layer.data[key];
    if (!isPlainObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      if (value === null) off.add(name);
      else off.delete(name);
    }
  }
  return [...off];
}
