// Multi-document YAML for kubectl and the release history: stable key order, and every string
// that a YAML 1.1 reader (kubectl's) could take for a number is quoted. Written by a dedicated
// emitter that produces exactly js-yaml's dump (see yaml-emitter.ts); js-yaml itself remains for
// any document the emitter does not support.
import yaml from 'js-yaml';
import type { KubeObject } from './types.js';
import { emitDocument, Unsupported, type EmitOptions } from './yaml-emitter.js';
import { implicitResolver } from './yaml-scalar.js';

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec'];
const FIRST_RANK = new Map(FIRST_KEYS.map((k, i) => [k, i]));

/** FIRST_KEYS in that order, then the other keys by code unit. */
export function compareKeys(a: string, b: string): number {
  const ia = FIRST_RANK.get(a) ?? FIRST_KEYS.length;
  const ib = FIRST_RANK.get(b) ?? FIRST_KEYS.length;
  if (ia !== ib || ia !== FIRST_KEYS.length) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1_000`, `0x1F`, `1:30` are numbers to YAML 1.1: an implicit type that matches them makes js-yaml quote them. */
const yaml11Numbers = new yaml.Type('tag:nestor.io,2025:yaml11-number', {
  kind: 'scalar',
  resolve: (s: string) => /^[-+]?(\.?[0-9])[0-9a-fA-FxXobB_.:eE+-]*$/.test(s),
  construct: (s: string) => s,
});
const DUMP_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [yaml11Numbers] });
const EMIT: EmitOptions = { compareKeys, ambiguous: implicitResolver(DUMP_SCHEMA), scalars: new Map() };

/** One document as js-yaml writes it: the reference the emitter is held to. */
export function dumpWithJsYaml(value: unknown): string {
  return yaml.dump(value, { schema: DUMP_SCHEMA, sortKeys: compareKeys, noRefs: true, lineWidth: -1 });
}

export function documentYaml(value: unknown): string {
  try {
    return emitDocument(value, EMIT);
  } catch (e) {
    if (e instanceof Unsupported) return dumpWithJsYaml(value);
    throw e;
  }
}

/** Forgets the scalars written (the CLI's startup snapshot is built after rendering the example config). */
export function forgetWrittenScalars(): void {
  EMIT.scalars.clear();
}

export function toYaml(objects: readonly KubeObject[]): string {
  let out = '';
  for (const o of objects) out += `---\n${documentYaml(o)}`;
  return out;
}
