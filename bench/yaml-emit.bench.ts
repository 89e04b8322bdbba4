// The hand-written YAML emitter (src/core/render/yaml-emitter.ts) against the library it stands
// in for, js-yaml's dump with the same options, on the objects of a real fleet render. The
// emitter earns its place only while it is faster by a clear margin: goal ≤ 0.5× js-yaml.
// Both sides write the same bytes (checked here first); rounds are interleaved.
import { parseArgs } from 'node:util';
import { loadTemplateSet } from '../src/adapters/fs/templates.js';
import { appsOf, loadConfigTree } from '../src/core/config/index.js';
import type { KubeObject } from '../src/core/render/index.js';
import { documentYaml, dumpWithJsYaml } from '../src/core/render/to-yaml.js';
import { generateConfig } from './generate-config.js';
import { reportGoals } from './lib/goals.js';
import { median, timed } from './lib/measure.js';
import { count, ms, table } from './lib/report.js';
import { renderOne } from './render/nestor.js';

const { values: args } = parseArgs({
  options: { apps: { type: 'string', default: '130' }, envs: { type: 'string', default: '5' }, runs: { type: 'string', default: '7' } },
});
const [APPS, ENVS, RUNS] = [args.apps, args.envs, args.runs].map(Number) as [number, number, number];
const GOAL = 0.5;

const config = generateConfig(APPS, ENVS);
const tree = loadConfigTree(config.files);
const templates = await loadTemplateSet();
const objects: KubeObject[] = [];
for (const env of tree.environments.keys()) {
  for (const app of appsOf(tree, env)) objects.push(...renderOne(tree, templates, config, app, env));
}

const mismatch = objects.find((o) => documentYaml(o) !== dumpWithJsYaml(o));
if (mismatch) {
  console.error(`the emitter and js-yaml differ on ${mismatch.kind}/${mismatch.metadata.name}: fix the emitter before timing it`);
  process.exit(1);
}

const emitAll = (write: (o: KubeObject) => string) => () => {
  let bytes = 0;
  for (const o of objects) bytes += write(o).length;
  return bytes;
};
const emitter = emitAll(documentYaml);
const library = emitAll(dumpWithJsYaml);
emitter();
library();

const ours: number[] = [];
const theirs: number[] = [];
let bytes = 0;
for (let round = 0; round < RUNS; round++) {
  const a = timed(emitter);
  const b = timed(library);
  ours.push(a.ms);
  theirs.push(b.ms);
  bytes = a.value;
}

const [o, t] = [median(ours), median(theirs)];
console.log(`YAML emit benchmark: ${count(objects.length)} objects of ${APPS} apps × ${ENVS} environments, ${count(bytes / 1024)} KiB, medians of ${RUNS} interleaved rounds\n`);
console.log(table('Per fleet', [
  ['hand-written emitter', ms(o), `runs: ${ours.map((x) => x.toFixed(0)).join(', ')} ms`],
  ["js-yaml dump (same options, same bytes)", ms(t), `runs: ${theirs.map((x) => x.toFixed(0)).join(', ')} ms`],
]));
reportGoals([{ name: 'emitter / js-yaml dump, time', ratio: o / t, bound: 'at most', limit: GOAL }], 'YAML emitter goal');
