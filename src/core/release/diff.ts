// What a release changes: rendered objects against what is live, as Kubernetes' server-side
// apply sees it (only the fields Nestor sets are compared), and a readable unified diff.
import { describeRef, refOf, type KubeObject } from '../ports/cluster.js';
import { toYaml } from '../render/to-yaml.js';
import type { ObjectChange } from './events.js';
import { unifiedPatch } from './patch-text.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The live value restricted to the shape of the rendered one (server defaults dropped). */
export function projectOnto(live: unknown, rendered: unknown): unknown {
  if (isMap(rendered) && isMap(live)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(rendered)) if (key in live) out[key] = projectOnto(live[key], rendered[key]);
    return out;
  }
  if (Array.isArray(rendered) && Array.isArray(live)) {
    return live.map((item, i) => (i < rendered.length ? projectOnto(item, rendered[i]) : item));
  }
  return live;
}

function comparable(object: KubeObject): KubeObject {
  const { metadata, ...rest } = object;
  const { name, namespace, labels, annotations } = metadata;
  return { ...rest, metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } } as KubeObject;
}

/**
 * Secret values never reach a diff: equal values print as `(unchanged)`, others as the name of
 * their side (`(live value)`, `(rendered value)`), so that a changed value still shows as a change.
 */
function masked(object: KubeObject, other: KubeObject | undefined, side: string): KubeObject {
  if (object.kind !== 'Secret') return object;
  const mask = (field: 'data' | 'stringData') => {
    const values = object[field];
    if (!isMap(values)) return undefined;
    const theirs = other && isMap(other[field]) ? (other[field] as Record<string, unknown>) : {};
    return Object.fromEntries(Object.keys(values).map((k) => [k, values[k] === theirs[k] ? '(unchanged)' : `(${side} value)`]));
  };
  const data = mask('data');
  const stringData = mask('stringData');
  return { ...object, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) };
}

/** Paths that differ, down to `spec.template.spec.containers` at the deepest. */
function changedFields(before: unknown, after: unknown, path: string[] = [], depth = 5): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (depth === 0 || !isMap(before) || !isMap(after)) return [path.join('.') || '(whole object)'];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => changedFields(before[k], after[k], [...path, k], depth - 1));
}

export interface ReleaseDiff {
  changes: ObjectChange[];
  /** Unified diff of every changed object, Secret values masked. */
  text: string;
}

export const objectKey = (o: KubeObject): string => describeRef(refOf(o));

export interface DiffOptions {
  /** Names of the two sides in the patch headers. Default `live` and `rendered`. */
  labels?: { live: string; rendered: string };
  /** Print the patch from the rendered side to the live one (e.g. drift of live from a release). */
  reverse?: boolean;
}

/**
 * `live` holds the current version of each rendered object that exists; `pruned` the live
 * objects of this app that are no longer rendered.
 */
export function diffRelease(
  rendered: readonly KubeObject[], live: ReadonlyMap<string, KubeObject>, pruned: readonly KubeObject[], options: DiffOptions = {},
): ReleaseDiff {
  const labels = options.labels ?? { live: 'live', rendered: 'rendered' };
  const changes: ObjectChange[] = [];
  const patches: string[] = [];
  for (const object of rendered) {
    const name = objectKey(object);
    const current = live.get(name);
    const after = comparable(object);
    const before = current ? (projectOnto(comparable(current), after) as KubeObject) : undefined;
    const fields = before ? changedFields(before, after) : [];
    const change = !before ? 'create' : fields.length ? 'update' : 'unchanged';
    changes.push({ object: name, change, fields });
    if (change === 'unchanged') continue;
    const sides = [
      { label: `${labels.live}/${name}`, text: before ? toYaml([masked(before, after, labels.live)]) : '' },
      { label: `${labels.rendered}/${name}`, text: toYaml([masked(after, before, labels.rendered)]) },
    ] as const;
    const [from, to] = options.reverse ? [sides[1], sides[0]] : sides;
    patches.push(unifiedPatch(from.label, to.label, from.text, to.text));
  }
  for (const object of pruned) {
    const name = objectKey(object);
    changes.push({ object: name, change: 'delete', fields: [] });
    patches.push(`--- ${labels.live}/${name}\n+++ /dev/null\n(deleted: no longer rendered)\n`);
  }
  return { changes, text: patches.join('') };
}
