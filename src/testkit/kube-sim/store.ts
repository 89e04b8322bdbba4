/** The in-memory object store: resource versions, uids, generations, cascading deletes and a watch log. */
import { randomUUID } from 'node:crypto';
import { compareText } from '../../core/text/compare-text.js';
import { apiErrors } from './api-error.js';
import { ObjectIndex, keyOf, typeKey } from './object-index.js';
import { RESOURCE_TYPES, typeOf, type ResourceType } from './resource-types.js';
import { deepClone, deepEqual, metaName, metaNamespace, str, type KubeObject } from './object-util.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface WriteOptions {
  dryRun?: boolean;
}

const GENERATION_GROUPS = new Set(['apps', 'batch', 'autoscaling', 'networking.k8s.io']);
const EVENT_LOG_LIMIT = 10_000;

export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ref(resource: ResourceType, name: string): { group: string; plural: string; name: string } {
  return { group: resource.group, plural: resource.plural, name };
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export class ObjectStore {
  private readonly objects = new ObjectIndex();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private version = 1;

  constructor(private readonly now: () => Date = () => new Date()) {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  resourceVersion(): number {
    return this.version;
  }

  /** The oldest resource version a watch can resume from. */
  oldestWatchableVersion(): number {
    return this.log[0]?.resourceVersion ?? this.version;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  eventsSince(resourceVersion: number): StoreEvent[] {
    // The log is in resource version order: the first event after `resourceVersion` by bisection.
    let [low, high] = [0, this.log.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.log[middle]!.resourceVersion > resourceVersion) high = middle;
      else low = middle + 1;
    }
    return this.log.slice(low);
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(resource, namespace, name));
    return found ? deepClone(found) : undefined;
  }

  mustGet(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.get(resource, namespace, name);
    if (!found) throw apiErrors.notFound(ref(resource, name));
    return found;
  }

  /**
   * Copies of the objects of a type (in a namespace), those `where` accepts. `where` sees the
   * stored objects, before the copy: filtering first keeps a controller's lookup in a namespace
   * of hundreds of objects from copying them all at every event.
   */
  list(resource: ResourceType, namespace?: string, where: (obj: Readonly<KubeObject>) => boolean = () => true): KubeObject[] {
    const result: KubeObject[] = [];
    for (const obj of this.objects.ofType(resource, namespace)) if (where(obj)) result.push(deepClone(obj));
    return sortedByName(result);
  }

  /** Copies of the objects of a type in a namespace whose ownerReferences name `ownerUid` (a Deployment's pods). */
  listOwned(resource: ResourceType, namespace: string, ownerUid: string): KubeObject[] {
    const owned = this.objects.ownedBy(ownerUid).filter((o) => typeKey(o.resource) === typeKey(resource) && metaNamespace(o.obj) === namespace);
    return sortedByName(owned.map((o) => deepClone(o.obj)));
  }

  create(resource: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const name = metaName(input);
    const namespace = resource.namespaced ? metaNamespace(input) : undefined;
    const key = keyOf(resource, namespace, name);
    if (this.objects.has(key)) throw apiErrors.alreadyExists(ref(resource, name));
    if (namespace !== undefined && !this.objects.has(keyOf(typeOf('Namespace'), undefined, namespace))) {
      throw apiErrors.notFound({ group: '', plural: 'namespaces', name: namespace });
    }
    const obj = deepClone(input);
    const meta = obj.metadata;
    if (!resource.namespaced) delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.now());
    if (GENERATION_GROUPS.has(resource.group)) meta.generation = 1;
    delete meta.deletionTimestamp;
    if (resource.kind === 'Namespace') obj.status = { phase: 'Active' };
    if (options.dryRun) return obj;
    return this.commit('ADDED', resource, key, obj);
  }

  /** Replaces an object. `expectVersion` gives optimistic concurrency like a PUT with resourceVersion. */
  update(resource: ResourceType, input: KubeObject, options: WriteOptions & { expectVersion?: string } = {}): KubeObject {
    const name = metaName(input);
    const namespace = resource.namespaced ? metaNamespace(input) : undefined;
    const key = keyOf(resource, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw apiErrors.notFound(ref(resource, name));
    const currentVersion = str(current.metadata.resourceVersion);
    if (options.expectVersion !== undefined && options.expectVersion !== currentVersion) {
      throw apiErrors.conflict(ref(resource, name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const obj = deepClone(input);
    for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) {
      const value = current.metadata[field];
      if (value === undefined) delete obj.metadata[field];
      else obj.metadata[field] = value;
    }
    if (!resource.namespaced) delete obj.metadata.namespace;
    const generation = current.metadata.generation;
    if (typeof generation === 'number' && !deepEqual(withoutMetaAndStatus(current), withoutMetaAndStatus(obj))) {
      obj.metadata.generation = generation + 1;
    }
    obj.metadata.resourceVersion = currentVersion ?? '';
    if (deepEqual(obj, current) || options.dryRun) return deepClone(options.dryRun ? obj : current);
    return this.commit('MODIFIED', resource, key, obj);
  }

  /** Deletes an object, its dependents (ownerReferences) and, for a namespace, everything in it. */
  delete(resource: ResourceType, namespace: string | undefined, name: string, options: WriteOptions = {}): KubeObject {
    const key = keyOf(resource, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw apiErrors.notFound(ref(resource, name));
    if (options.dryRun) return deepClone(current);
    if (resource.kind === 'Namespace') this.deleteNamespaceContents(name);
    this.deleteDependents(str(current.metadata.uid) ?? '');
    const deleted = deepClone(current);
    deleted.metadata.deletionTimestamp = rfc3339(this.now());
    this.objects.remove(key);
    return this.record('DELETED', resource, deleted);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const resource of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const obj of this.list(resource, namespace)) {
        if (this.objects.has(keyOf(resource, namespace, metaName(obj)))) this.delete(resource, namespace, metaName(obj));
      }
    }
  }

  /** Namespaced dependents, by type in RESOURCE_TYPES order, then by namespace and name. */
  private deleteDependents(ownerUid: string): void {
    const typeOrder = (resource: ResourceType): number => RESOURCE_TYPES.findIndex((t) => typeKey(t) === typeKey(resource));
    const dependents = this.objects.ownedBy(ownerUid)
      .filter((o) => o.resource.namespaced)
      .sort((a, b) => typeOrder(a.resource) - typeOrder(b.resource) || byName(a.obj, b.obj));
    for (const { key, resource, obj } of dependents) {
      if (this.objects.has(key)) this.delete(resource, metaNamespace(obj), metaName(obj));
    }
  }

  private commit(type: WatchEventType, resource: ResourceType, key: string, obj: KubeObject): KubeObject {
    this.version++;
    obj.metadata.resourceVersion = String(this.version);
    this.objects.set(resource, key, obj);
    return this.emit(type, resource, obj);
  }

  private record(type: WatchEventType, resource: ResourceType, obj: KubeObject): KubeObject {
    this.version++;
    obj.metadata.resourceVersion = String(this.version);
    return this.emit(type, resource, obj);
  }

  private emit(type: WatchEventType, resource: ResourceType, obj: KubeObject): KubeObject {
    const event: StoreEvent = { type, resource, object: deepClone(obj), resourceVersion: this.version };
    this.log.push(event);
    if (this.log.length > EVENT_LOG_LIMIT) this.log.splice(0, this.log.length - EVENT_LOG_LIMIT);
    for (const listener of [...this.listeners]) listener(event);
    return deepClone(obj);
  }
}

function keyOrder(obj: KubeObject): string {
  return `${metaNamespace(obj) ?? ''}/${metaName(obj)}`;
}

/**
 * The API server's list order: by storage key (/registry/<resource>/<namespace>/<name>), compared
 * byte by byte (etcd's ranges, and the watch cache's btree of keys). Names are ASCII, where UTF-16
 * code units order as bytes do.
 */
function byName(a: KubeObject, b: KubeObject): number {
  return compareText(keyOrder(a), keyOrder(b));
}

function sortedByName(objects: KubeObject[]): KubeObject[] {
  return objects.sort(byName);
}
