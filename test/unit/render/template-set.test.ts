import { describe, expect, it } from 'vitest';
import { createTemplateSet } from '../../../src/core/render/template-compiler.js';

const set = (text: string, extra: { name: string; text: string }[] = []) =>
  createTemplateSet([{ name: 't.yaml', text, origin: 'built-in' }, ...extra.map((f) => ({ ...f, origin: 'built-in' as const }))]);

describe('TemplateSet', () => {
  it('inserts typed values for whole scalars, text inside strings, and drops undefined keys', () => {
    const t = set("n: {{n}}\ns: '{{n}}'\nin: 'x-{{n}}-{{s}}'\nobj: {{o}}\ngone: {{missing}}\nlist: [a, {{missing}}, b]\n");
    expect(t.render('t.yaml', { n: 3, s: 'q', o: { a: [1, true, null] } }).docs).toEqual([
      { n: 3, s: 3, in: 'x-3-q', obj: { a: [1, true, null] }, list: ['a', 'b'] },
    ]);
  });

  it('values can be keys, and a `__proto__` key stays data', () => {
    const t = set('{{k}}: 1\nsel: {{sel}}\n');
    const [doc] = t.render('t.yaml', { k: 'a: b', sel: JSON.parse('{"__proto__": {"x": "y"}, "tier": "app"}') }).docs;
    expect(Object.keys(doc ?? {})).toEqual(['a: b', 'sel']);
    const sel = doc?.['sel'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(sel)).toBe(Object.prototype);
    expect(Object.keys(sel)).toEqual(['__proto__', 'tier']);
  });

  it('renders share nothing: a cached skeleton and the context are never modified', () => {
    const t = set('a: {{o}}\nb: {x: 1}\n');
    const o = { list: [1] };
    const first = t.render('t.yaml', { o }).docs[0] as { a: { list: number[] }; b: { x: number } };
    first.a.list.push(2);
    first.b.x = 9;
    expect(o.list).toEqual([1]);
    expect(t.render('t.yaml', { o }).docs).toEqual([{ a: { list: [1] }, b: { x: 1 } }]);
  });

  it('includes other YAML templates as partials, indented', () => {
    const t = set('spec:\n  {{> part}}\n', [{ name: 'part.yaml', text: 'a: {{v}}\nb:\n  c: 1\n' }]);
    expect(t.render('t.yaml', { v: 'x\ny' }).docs).toEqual([{ spec: { a: 'x\ny', b: { c: 1 } } }]);
  });

  it('names the template for a missing partial, a map inside text and a duplicate key', () => {
    expect(() => set('{{> nope}}\n')).toThrow('t.yaml (built-in) line 1: partial "nope" not found; did you mean "t"? (any YAML template is a partial by its name)');
    expect(() => set("a: 'x{{o}}'\n").render('t.yaml', { o: {} })).toThrow('t.yaml (built-in): a list or map value was inserted inside a text value');
    expect(() => set('{{k}}: 1\na: 2\n').render('t.yaml', { k: 'a' })).toThrow('t.yaml (built-in): duplicate key "a" after inserting values');
  });
});
