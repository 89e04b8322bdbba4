// Multi-document YAML for kubectl and the release history: stable key order, and every string
// that a YAML 1.1 reader (kubectl's) could take for a number is quoted.
import yaml from 'js-yaml';
import type { KubeObject } from './types.js';

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec'];

function compareKeys(a: string, b: string): number {
  const ia = FIRST_KEYS.indexOf(a);
  const ib = FIRST_KEYS.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? FIRST_KEYS.length : ia) - (ib === -1 ? FIRST_KEYS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1_000`, `0x1F`, `1:30` are numbers to YAML 1.1: an implicit type that matches them makes js-yaml quote them. */
const yaml11Numbers = new yaml.Type('tag:nestor.io,2025:yaml11-number', {
  kind: 'scalar',
  resolve: (s: string) => /^[-+]?(\.?[0-9])[0-9a-fA-FxXobB_.:eE+-]*$/.test(s),
  construct: (s: string) => s,
});
const DUMP_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [yaml11Numbers] });

export function toYaml(objects: readonly KubeObject[]): string {
  return objects
    .map((o) => yaml.dump(o, { schema: DUMP_SCHEMA, sortKeys: compareKeys, noRefs: true, lineWidth: -1 }))
    .map((doc) => `---\n${doc}`)
    .join('');
}
