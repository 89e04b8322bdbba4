import { describe, it, expect } from 'vitest';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from '../../../src/testkit/kube-sim/merge-patch.js';
import type { JsonObject } from '../../../src/testkit/kube-sim/object-util.js';

function podSpec(): JsonObject {
  return {
    metadata: { labels: { app: 'web', tier: 'front' } },
    spec: {
      containers: [
        {
          name: 'web', image: 'web:1',
          ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
          args: ['--x', '--y'],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
    },
  };
}

describe('strategic merge patch', () => {
  it('merges maps and removes keys set to null', () => {
    const patched = strategicMergePatch(podSpec(), { metadata: { labels: { tier: null, team: 'security' } } });
    expect((patched as JsonObject).metadata).toEqual({ labels: { app: 'web', team: 'security' } });
  });

  it('merges containers by name, keeping the ones not mentioned', () => {
    const patched = strategicMergePatch(podSpec(), { spec: { containers: [{ name: 'web', image: 'web:2' }] } }) as JsonObject;
    const containers = (patched.spec as JsonObject).containers as JsonObject[];
    expect(containers.map((c) => [c.name, c.image])).toEqual([['web', 'web:2'], ['sidecar', 'proxy:1']]);
    expect(containers[0]?.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  it('merges env by name and ports by containerPort, appending new items', () => {
    const patch: JsonObject = { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 8080 }] }] } };
    const web = (((strategicMergePatch(podSpec(), patch) as JsonObject).spec as JsonObject).containers as JsonObject[])[0];
    expect(web?.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect((web?.ports as JsonObject[]).map((p) => p.containerPort)).toEqual([80, 9090, 8080]);
  });

  it('deletes list items with $patch: delete and replaces atomic lists', () => {
    const patch: JsonObject = { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'web', args: ['--z'] }] } };
    const containers = ((strategicMergePatch(podSpec(), patch) as JsonObject).spec as JsonObject).containers as JsonObject[];
    expect(containers.map((c) => c.name)).toEqual(['web']);
    expect(containers[0]?.args).toEqual(['--z']);
  });

  it('replaces a whole list with $patch: replace and ignores $setElementOrder directives', () => {
    const patch: JsonObject = {
      spec: {
        '$setElementOrder/containers': [{ name: 'only' }],
        containers: [{ $patch: 'replace' }, { name: 'only', image: 'only:1' }],
      },
    };
    const spec = (strategicMergePatch(podSpec(), patch) as JsonObject).spec as JsonObject;
    expect(spec).toEqual({ containers: [{ name: 'only', image: 'only:1' }] });
  });

  it('removes values with $deleteFromPrimitiveList', () => {
    const patched = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
    expect(patched).toEqual({ metadata: { finalizers: ['b'] } });
  });

  it('refuses a keyed list item without its merge key', () => {
    expect(() => strategicMergePatch(podSpec(), { spec: { containers: [{ image: 'x' }] } })).toThrow(/merge key: name/);
  });
});

describe('JSON merge patch', () => {
  it('replaces lists entirely and deletes nulls (RFC 7386)', () => {
    const patched = jsonMergePatch(podSpec(), { metadata: { labels: { tier: null } }, spec: { containers: [{ name: 'x' }] } });
    expect(patched).toEqual({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'x' }] } });
  });
});

describe('JSON patch', () => {
  it('applies add, replace, remove and test', () => {
    const patched = jsonPatch({ a: { b: [1, 2] }, c: 1 }, [
      { op: 'test', path: '/c', value: 1 },
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'replace', path: '/c', value: 2 },
      { op: 'remove', path: '/a/b/0' },
    ]);
    expect(patched).toEqual({ a: { b: [2, 3] }, c: 2 });
  });
});
