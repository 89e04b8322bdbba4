// The store finds objects through its indexes (by type and namespace, by owner): what a list, a
// cascading delete and a watch's resume return must be what a scan of every object would give.
import { describe, expect, it } from 'vitest';
import { ObjectStore, typeOf, type KubeObject } from '../../../src/testkit/kube-sim/index.js';

const [NAMESPACE, CONFIG_MAP, POD, SECRET] = ['Namespace', 'ConfigMap', 'Pod', 'Secret'].map(typeOf) as [ReturnType<typeof typeOf>, ReturnType<typeof typeOf>, ReturnType<typeof typeOf>, ReturnType<typeof typeOf>];

function object(kind: string, name: string, namespace: string, owner?: KubeObject): KubeObject {
  const ownerReferences = owner ? [{ apiVersion: owner.apiVersion, kind: owner.kind, name: String(owner.metadata.name), uid: String(owner.metadata.uid) }] : undefined;
  return { apiVersion: 'v1', kind, metadata: { name, namespace, ...(ownerReferences ? { ownerReferences } : {}) } };
}

function storeWithNamespaces(...names: string[]): ObjectStore {
  const store = new ObjectStore();
  for (const name of names) store.create(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return store;
}

const names = (objects: KubeObject[]): string[] => objects.map((o) => `${String(o.metadata.namespace ?? '')}/${String(o.metadata.name)}`);

describe('ObjectStore indexes', () => {
  it('lists a type in one namespace or in all, sorted by namespace and name, without the objects deleted', () => {
    const store = storeWithNamespaces('b', 'a');
    for (const [ns, name] of [['b', 'z'], ['a', 'y'], ['b', 'x'], ['a', 'w']] as const) store.create(CONFIG_MAP, object('ConfigMap', name, ns));
    store.create(SECRET, object('Secret', 'v', 'a'));
    store.delete(CONFIG_MAP, 'b', 'z');
    expect(names(store.list(CONFIG_MAP))).toEqual(['a/w', 'a/y', 'b/x']);
    expect(names(store.list(CONFIG_MAP, 'b'))).toEqual(['b/x']);
    expect(names(store.list(SECRET, 'b'))).toEqual([]);
    expect(store.list(NAMESPACE).map((o) => o.metadata.name)).toEqual(['a', 'b', 'default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(store.list(NAMESPACE, 'a')).toEqual([]);
  });

  it('lists in the order of the storage keys compared byte by byte, as the API server does, whatever the locale', () => {
    const store = storeWithNamespaces('a', 'a-b', 'aa');
    for (const [ns, name] of [['a', 'z'], ['a-b', 'a'], ['aa', 'web'], ['a', 'web.1'], ['a', 'web-1'], ['a', 'web1'], ['a', 'aa']] as const) {
      store.create(CONFIG_MAP, object('ConfigMap', name, ns));
    }
    // Keys /registry/configmaps/<namespace>/<name>: '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < digits < letters.
    // A Danish collation (LANG=da_DK) would put 'aa' after 'z'.
    expect(names(store.list(CONFIG_MAP))).toEqual(['a-b/a', 'a/aa', 'a/web-1', 'a/web.1', 'a/web1', 'a/z', 'aa/web']);
  });

  it('finds the objects an owner owns, and follows an ownerReferences change', () => {
    const store = storeWithNamespaces('a', 'b');
    const owner = store.create(CONFIG_MAP, object('ConfigMap', 'owner', 'a'));
    store.create(POD, object('Pod', 'p2', 'a', owner));
    store.create(POD, object('Pod', 'p1', 'a', owner));
    store.create(POD, object('Pod', 'p3', 'b', owner));
    store.create(SECRET, object('Secret', 's', 'a', owner));
    expect(names(store.listOwned(POD, 'a', String(owner.metadata.uid)))).toEqual(['a/p1', 'a/p2']);
    const p1 = store.mustGet(POD, 'a', 'p1');
    store.update(POD, { ...p1, metadata: { ...p1.metadata, ownerReferences: [] } });
    expect(names(store.listOwned(POD, 'a', String(owner.metadata.uid)))).toEqual(['a/p2']);
  });

  it('deletes an owner\'s dependents in every namespace, and theirs, type by type', () => {
    const store = storeWithNamespaces('a', 'b');
    const owner = store.create(CONFIG_MAP, object('ConfigMap', 'owner', 'a'));
    const pod = store.create(POD, object('Pod', 'p', 'b', owner));
    store.create(SECRET, object('Secret', 's', 'a', owner));
    store.create(CONFIG_MAP, object('ConfigMap', 'of-the-pod', 'b', pod));
    store.create(CONFIG_MAP, object('ConfigMap', 'free', 'a'));
    const deleted: string[] = [];
    store.subscribe((e) => {
      if (e.type === 'DELETED') deleted.push(`${e.resource.kind} ${String(e.object.metadata.name)}`);
    });
    store.delete(CONFIG_MAP, 'a', 'owner');
    expect(deleted).toEqual(['Secret s', 'ConfigMap of-the-pod', 'Pod p', 'ConfigMap owner']);
    expect(names(store.list(CONFIG_MAP))).toEqual(['a/free']);
    expect(store.list(POD)).toEqual([]);
  });

  it('gives a watch resuming from a resource version the events after it', () => {
    const store = storeWithNamespaces('a');
    const since = store.resourceVersion();
    store.create(CONFIG_MAP, object('ConfigMap', 'one', 'a'));
    store.create(CONFIG_MAP, object('ConfigMap', 'two', 'a'));
    expect(store.eventsSince(since).map((e) => e.object.metadata.name)).toEqual(['one', 'two']);
    expect(store.eventsSince(since + 1).map((e) => e.object.metadata.name)).toEqual(['two']);
    expect(store.eventsSince(store.resourceVersion())).toEqual([]);
    expect(store.eventsSince(0)).toHaveLength(7);
  });
});
