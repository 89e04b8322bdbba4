import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { documentYaml, dumpWithJsYaml, toYaml } from '../../../src/core/render/to-yaml.js';

const TRICKY = [
  '', ' ', '  ', 'plain', 'two words', 'line\nbreak', 'ends with newline\n', 'two\n\nnewlines\n\n', '\n', '\n\n',
  '\nleading newline', ' leading space', '  \n more-indented', 'trailing space ', 'tab\there', '\ttab first',
  'a: b', 'a:b', 'a:', ':a', 'key: value\nother: x', 'a #b', 'a#b', '#comment', 'x # y', "it's", '"quoted"', "'single'",
  'say "hi"', '---', '--- x', '...', '- item', '-', '? q', '@at', '`tick', '{{name}}', '{{ .Values }}', '[list]', '{map}', 'a, b',
  '&anchor', '*alias', '!tag', '|pipe', '>fold', '%percent', '=eq', '0.30', '1_000', '0x1F', '0o17', '0b101', '12:30',
  '1:2:3', '190:20:30.15', '1e3', '+1', '-0', '.5', '1.', '.inf', '-.Inf', '.NaN', '0', '007', '3.14', '-12', '6.8523015e+5',
  'yes', 'Yes', 'NO', 'on', 'Off', 'y', 'N', 'true', 'False', 'TRUE', 'null', 'Null', '~', 'NULL', 'nullish', 'truely',
  '2024-01-01', '2001-12-14t21:59:43.10-05:00', 'é accent', 'naïve café', '日本語', 'emoji 🚀 rocket', '🚀', '\u00a0nbsp',
  'nel\u0085x', 'ls\u2028x', 'ps\u2029x', 'bom\ufeffx', 'bell\u0007', 'esc\u001b', 'nul\u0000', 'del\u007f', 'cr\r\nlf',
  'lone \ud800 surrogate', 'x'.repeat(5000), `${'word '.repeat(400)}end`, `long\n${'y'.repeat(3000)}\nlines`,
  'back\\slash', 'multi\nline with: colon\n# and hash\n  indented\n', 'trailing spaces \n', '\u0085start', 'a\u00a0b',
];

/** js-yaml reads the output back to the same value: the CORE schema, as Nestor's own reader. */
const readBack = (text: string): unknown => yaml.load(text, { schema: yaml.CORE_SCHEMA });

describe('yaml emitter', () => {
  it('writes every tricky string exactly as js-yaml, as a value, a list item and a key, at any depth', () => {
    for (const s of TRICKY) {
      const doc = {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { [s]: s } },
        data: { value: s, list: [s, [s, { deep: s }]], nested: { a: { b: { c: s } } } },
        [s]: { key: s },
      };
      expect(documentYaml(doc), JSON.stringify(s)).toBe(dumpWithJsYaml(doc));
      expect(readBack(documentYaml(doc))).toEqual(doc);
    }
  });

  it('writes numbers, booleans, null, empty and missing values as js-yaml', () => {
    const doc = {
      ints: [0, 1, -5, 42, 2 ** 53, 1e21, -1e21], floats: [0.1, -0.5, 1.5e-7, 5e-100, 1 / 3, -0],
      specials: [NaN, Infinity, -Infinity], flags: [true, false], nothing: null, gone: undefined,
      holes: [1, undefined, null, 2], empty: { map: {}, list: [], onlyUndefined: { a: undefined } },
      lists: [[], [[1, 2], [3]], [{}, { a: 1 }], [{ a: [1, { b: 2 }] }]],
    };
    expect(documentYaml(doc)).toBe(dumpWithJsYaml(doc));
  });

  it('orders apiVersion, kind, metadata, name, namespace, spec first, then the other keys by code unit', () => {
    const doc = { z: 1, spec: 2, B: 3, namespace: 4, a: 5, name: 6, metadata: 7, kind: 8, apiVersion: 9, é: 10, _: 11, '10': 12, '9': 13 };
    expect(documentYaml(doc)).toBe(dumpWithJsYaml(doc));
    expect(documentYaml(doc)).toMatch(/^apiVersion: 9\nkind: 8\nmetadata: 7\nname: 6\nnamespace: 4\nspec: 2\n'10': 12\n'9': 13\nB: 3\n_: 11\na: 5\nz: 1\n/);
  });

  it('writes a key longer than 1024 characters as an explicit pair, as js-yaml', () => {
    const doc = { ['k'.repeat(1100)]: 'v', ['q'.repeat(1030)]: { a: [1] }, short: 'x' };
    expect(documentYaml(doc)).toBe(dumpWithJsYaml(doc));
  });

  it('matches js-yaml on random strings of YAML-significant characters', () => {
    const alphabet = [...'ab01 :#-?\'"\n\t{}[],&*!|>%@`.~_+eExX\\', '\u00a0', '\u0085', '\u2028', 'é', '🚀', '\ufeff', '\u0001'];
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let n = random(12); n > 0; n--) s += alphabet[random(alphabet.length)];
      const doc = { value: s, list: [s, [s]], map: { [s]: s } };
      expect(documentYaml(doc), JSON.stringify(s)).toBe(dumpWithJsYaml(doc));
      expect(readBack(documentYaml(doc))).toEqual(doc);
    }
  });

  it('hands what it does not write itself to js-yaml, errors included', () => {
    class Box {
      constructor(readonly size = 1) {}
    }
    expect(documentYaml({ box: new Box() })).toBe(dumpWithJsYaml({ box: new Box() }));
    expect(() => documentYaml({ f: () => 1 })).toThrow(yaml.YAMLException);
  });

  it('joins documents with ---', () => {
    const objects = [{ apiVersion: 'v1', kind: 'A', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'B', metadata: { name: 'b' } }];
    expect(toYaml(objects)).toBe(objects.map((o) => `---\n${dumpWithJsYaml(o)}`).join(''));
  });
});
