/**
 * The store's objects, found by key, by type and namespace, and by the owner their
 * ownerReferences name: a list reads only the objects of its type (and namespace), a delete finds
 * its dependents without reading every object, so a request costs what it returns, not what the
 * cluster holds.
 */
import { isObject, metaNamespace, type KubeObject } from './object-util.js';
import type { ResourceType } from './resource-types.js';

export interface StoredObject {
  key: string;
  resource: ResourceType;
  obj: KubeObject;
}

export function keyOf(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.plural}/${resource.namespaced ? namespace ?? '' : ''}/${name}`;
}

export function typeKey(resource: ResourceType): string {
  return `${resource.group}/${resource.plural}`;
}

/** The namespace bucket of a stored object ('' for cluster-scoped ones). */
function namespaceOf({ resource, obj }: StoredObject): string {
  return resource.namespaced ? metaNamespace(obj) ?? '' : '';
}

function ownerUids(obj: KubeObject): string[] {
  const owners = obj.metadata.ownerReferences;
  if (!Array.isArray(owners)) return [];
  return owners.flatMap((o) => (isObject(o) && typeof o.uid === 'string' ? [o.uid] : []));
}

export class ObjectIndex {
  private readonly byKey = new Map<string, StoredObject>();
  /** Type (`group/plural`) → namespace ('' for cluster-scoped objects) → key → object, in the order first stored. */
  private readonly byType = new Map<string, Map<string, Map<string, StoredObject>>>();
  /** Owner uid → key → the objects whose ownerReferences name it. */
  private readonly byOwner = new Map<string, Map<string, StoredObject>>();

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The stored object itself (callers copy it before handing it out). */
  get(key: string): KubeObject | undefined {
    return this.byKey.get(key)?.obj;
  }

  /** Stores `obj` under `key`, replacing what was there (keeping its place in the order). */
  set(resource: ResourceType, key: string, obj: KubeObject): void {
    const previous = this.byKey.get(key);
    if (previous) this.unlinkOwners(previous);
    const entry: StoredObject = { key, resource, obj };
    this.byKey.set(key, entry);
    const namespaces = this.byType.get(typeKey(resource)) ?? new Map<string, Map<string, StoredObject>>();
    this.byType.set(typeKey(resource), namespaces);
    const namespace = namespaceOf(entry);
    const bucket = namespaces.get(namespace) ?? new Map<string, StoredObject>();
    namespaces.set(namespace, bucket);
    bucket.set(key, entry);
    for (const uid of ownerUids(obj)) {
      const owned = this.byOwner.get(uid) ?? new Map<string, StoredObject>();
      this.byOwner.set(uid, owned);
      owned.set(key, entry);
    }
  }

  remove(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.unlinkOwners(entry);
    const namespaces = this.byType.get(typeKey(entry.resource));
    const namespace = namespaceOf(entry);
    const bucket = namespaces?.get(namespace);
    bucket?.delete(key);
    if (bucket?.size === 0) namespaces?.delete(namespace);
  }

  /** The stored objects of a type, in one namespace or in all. */
  *ofType(resource: ResourceType, namespace?: string): Generator<KubeObject> {
    const namespaces = this.byType.get(typeKey(resource));
    if (!namespaces) return;
    const buckets = namespace === undefined ? [...namespaces.values()] : [namespaces.get(namespace)];
    for (const bucket of buckets) for (const entry of bucket?.values() ?? []) yield entry.obj;
  }

  /** The stored objects whose ownerReferences name `uid`. */
  ownedBy(uid: string): StoredObject[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  private unlinkOwners(entry: StoredObject): void {
    for (const uid of ownerUids(entry.obj)) {
      const owned = this.byOwner.get(uid);
      owned?.delete(entry.key);
      if (owned?.size === 0) this.byOwner.delete(uid);
    }
  }
}
