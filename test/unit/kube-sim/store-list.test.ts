// ObjectStore.list filters before it copies: a controller's lookup in a namespace of hundreds of
// objects copies only what it asked for, and what it gets is still a copy.
import { describe, expect, it } from 'vitest';
import { ObjectStore, typeOf } from '../../../src/testkit/kube-sim/index.js';

const CONFIG_MAP = typeOf('ConfigMap');

describe('ObjectStore.list', () => {
  it('returns copies of only the objects `where` accepts', () => {
    const store = new ObjectStore();
    for (const name of ['a', 'b', 'c']) store.create(CONFIG_MAP, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { name } });
    const seen: string[] = [];
    const found = store.list(CONFIG_MAP, 'default', (o) => {
      seen.push(String(o.metadata.name));
      return o.metadata.name === 'b';
    });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(found.map((o) => o.metadata.name)).toEqual(['b']);
    found[0]!.data = { changed: 'yes' };
    expect(store.get(CONFIG_MAP, 'default', 'b')?.data).toEqual({ name: 'b' });
  });
});
