// Fields a Kubernetes kind does not have. kubernetes-models checks types, required fields and
// formats but lets unknown keys through, as the API server does unless asked for strict field
// validation; a misspelt key in a template (`replica: 3`) would then be dropped without a word.
// The field tables are the Kubernetes client's generated models (its OpenAPI types), copied at
// build time into kube-fields.ts (importing the client itself takes over a second).
import { closestWord } from '../text/did-you-mean.js';
import { KUBE_FIELDS } from './kube-fields.js';

type Shape =
  | { of: 'leaf' }
  | { of: 'list'; item: string }
  | { of: 'map'; item: string }
  | { of: 'object'; fields: ReadonlyMap<string, string> };

const LEAF: Shape = { of: 'leaf' };
const shapes = new Map<string, Shape>();

function shapeOf(type: string): Shape {
  let shape = shapes.get(type);
  if (shape) return shape;
  const list = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  const fields = Object.hasOwn(KUBE_FIELDS, type) ? KUBE_FIELDS[type] : undefined;
  if (list?.[1]) shape = { of: 'list', item: list[1] };
  else if (map?.[1]) shape = { of: 'map', item: map[1] };
  else if (fields) shape = { of: 'object', fields: new Map(Object.entries(fields)) };
  else shape = LEAF;
  shapes.set(type, shape);
  return shape;
}

export interface UnknownField {
  /** `spec.template.spec.containers[0].imagePullPolic` */
  path: string;
  /** A field of the same object it was probably meant to be. */
  suggestion?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The client's model type of a kind: `apps/v1` Deployment → `V1Deployment`. */
export function modelTypeOf(apiVersion: string, kind: string): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** The hot path (every rendered object): true when no key anywhere is unknown. No paths are built. */
function allKnown(value: unknown, type: string): boolean {
  const shape = shapeOf(type);
  if (shape.of === 'leaf' || value === null || typeof value !== 'object') return true;
  if (shape.of === 'list') {
    if (!Array.isArray(value)) return true;
    for (const item of value) if (!allKnown(item, shape.item)) return false;
    return true;
  }
  if (Array.isArray(value)) return true;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const childType = shape.of === 'map' ? shape.item : shape.fields.get(key);
    if (childType === undefined || !allKnown(record[key], childType)) return false;
  }
  return true;
}

/** Every key of `value` that `type` has no field for, depth first. Values of the wrong type are not this check's business. */
export function unknownFields(value: unknown, type: string): UnknownField[] {
  return allKnown(value, type) ? [] : collect(value, type, '');
}

function collect(value: unknown, type: string, path: string): UnknownField[] {
  const shape = shapeOf(type);
  if (shape.of === 'leaf') return [];
  if (shape.of === 'list') {
    return Array.isArray(value) ? value.flatMap((item, i) => collect(item, shape.item, `${path}[${i}]`)) : [];
  }
  if (!isRecord(value)) return [];
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  if (shape.of === 'map') return Object.entries(value).flatMap(([key, child]) => collect(child, shape.item, at(key)));
  const found: UnknownField[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childType = shape.fields.get(key);
    if (childType !== undefined) {
      found.push(...collect(child, childType, at(key)));
      continue;
    }
    const suggestion = closestWord(key, [...shape.fields.keys()]);
    found.push(suggestion ? { path: at(key), suggestion } : { path: at(key) });
  }
  return found;
}
