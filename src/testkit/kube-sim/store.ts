/** The in-memory object store: resource versions, uids, generations, cascading deletes and a watch log. */
import { randomUUID } from 'node:crypto';
import { apiErrors } from './api-error.js';
import { RESOURCE_TYPES, typeOf, type ResourceType } from './resource-types.js';
import { deepClone, deepEqual, isObject, metaName, metaNamespace, str, type KubeObject } from './object-util.js';

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

function keyOf(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.plural}/${resource.namespaced ? namespace ?? '' : ''}/${name}`;
}

function ref(resource: ResourceType, name: string): { group: string; plural: string; name: string } {
  return { group: resource.group, plural: resource.plural, name };
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
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
    return this.log.filter((e) => e.resourceVersion > resourceVersion);
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
    const prefix = `${resource.group}/${resource.plural}/${namespace ?? ''}`;
    const result: KubeObject[] = [];
    for (const [key, obj] of this.objects) {
      if ((namespace === undefined ? key.startsWith(`${resource.group}/${resource.plural}/`) : key.startsWith(`${prefix}/`)) && where(obj)) {
        result.push(deepClone(obj));
      }
    }
    return result.sort((a, b) => keyOrder(a).localeCompare(keyOrder(b)));
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
    this.objects.delete(key);
    return this.record('DELETED', resource, deleted);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const resource of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const obj of this.list(resource, namespace)) {
        if (this.objects.has(keyOf(resource, namespace, metaName(obj)))) this.delete(resource, namespace, metaName(obj));
      }
    }
  }

  private deleteDependents(ownerUid: string): void {
    for (const resource of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const obj of this.list(resource)) {
        const owners = obj.metadata.ownerReferences;
        const owned = Array.isArray(owners) && owners.some((o) => isObject(o) && o.uid === ownerUid);
        const key = keyOf(resource, metaNamespace(obj), metaName(obj));
        if (owned && this.objects.has(key)) this.delete(resource, metaNamespace(obj), metaName(obj));
      }
    }
  }

  private commit(type: WatchEventType, resource: ResourceType, key: string, obj: KubeObject): KubeObject {
    this.version++;
    obj.metadata.resourceVersion = String(this.version);
    this.objects.set(key, obj);
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
