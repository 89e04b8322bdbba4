import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { diffRelease, objectKey } from '../../../src/core/release/diff.js';
import { unifiedPatch } from '../../../src/core/release/patch-text.js';
import type { KubeObject } from '../../../src/core/ports/cluster.js';

const library = (from: string, to: string): string => createTwoFilesPatch('live/x', 'rendered/x', from, to, '', '', { context: 3 });

describe('unifiedPatch', () => {
  const texts = ['', 'a: 1\n', 'a: 1\nb: 2\n', 'a: 1\nb: 3\nc:\n  - x\n', 'no newline', 'a: 1\n\n\nb: 2\n', '\n'];

  it('writes what the diff package writes, for creations, deletions, equal and changed texts', () => {
    for (const from of texts) {
      for (const to of texts) expect(unifiedPatch('live/x', 'rendered/x', from, to), `${JSON.stringify(from)} → ${JSON.stringify(to)}`).toBe(library(from, to));
    }
  });

  it("gives a release of new objects the same diff as the library's algorithm would", () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mary', namespace: 'dev3' }, data: { A: '1', B: 'two\nlines' } };
    const { changes, text } = diffRelease([configMap], new Map(), []);
    expect(changes).toEqual([{ object: objectKey(configMap), change: 'create', fields: [] }]);
    expect(text).toMatch(/^=+\n--- live\/ConfigMap dev3\/mary\n\+\+\+ rendered\/ConfigMap dev3\/mary\n@@ -0,0 \+1,11 @@\n\+---\n\+apiVersion: v1\n/);
    expect(text.split(' @@\n')[1]!.split('\n').filter((line) => line !== '' && !line.startsWith('+'))).toEqual([]);
  });

  it('records an object whose live side is equal as unchanged, with no patch', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mary', namespace: 'dev3' }, data: { A: '1' } };
    const live = { ...configMap, metadata: { ...configMap.metadata, uid: 'u-1', resourceVersion: '7' } };
    const { changes, text } = diffRelease([configMap], new Map([[objectKey(configMap), live]]), []);
    expect(changes).toEqual([{ object: objectKey(configMap), change: 'unchanged', fields: [] }]);
    expect(text).toBe('');
  });
});
