// `npm run bench:render`: every app in every environment of a generated nestor-config, merged,
// rendered and schema-validated by Nestor, side by side with `kubectl kustomize` on one
// app-environment and a bare in-process floor. Prints figures and ratios; asserts nothing.
// Runs are interleaved round by round (Nestor, bare, kustomize) so that the noise of a shared
// machine weighs on every side alike.
import { parseArgs } from 'node:util';
import { loadTemplateSet } from '../src/adapters/fs/templates.js';
import { loadConfigTree } from '../src/core/config/index.js';
import { generateConfig } from './generate-config.js';
import { reportGoals } from './lib/goals.js';
import { median, medianOf, timedAsync } from './lib/measure.js';
import { count, ms, ratio, table, times } from './lib/report.js';
import { compileBare, runBare, type BareRun } from './render/bare.js';
import { openFreshRender } from './render/fresh-process.js';
import { kubectlVersion, openKustomize, sevenObjects, type KustomizeSession } from './render/kustomize.js';
import { renderOne, runNestor, type NestorRun } from './render/nestor.js';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '130' },
    envs: { type: 'string', default: '25' },
    runs: { type: 'string', default: '5' },
    'kustomize-runs': { type: 'string', default: '7' },
  },
});
const [APPS, ENVS, RUNS, K_RUNS] = [args.apps, args.envs, args.runs, args['kustomize-runs']].map(Number) as [number, number, number, number];
/** The goal of issue 2: all app-environments in less time than kustomize takes for this many. */
const GOAL_APP_ENVS = 25;

const config = generateConfig(APPS, ENVS);
const sourceBytes = config.files.reduce((n, f) => n + f.text.length, 0);
console.log(`render benchmark: ${APPS} apps × ${ENVS} environments, ${count(config.files.length)} config files (${count(sourceBytes / 1024)} KiB), Node ${process.version}`);
console.log(`medians of ${RUNS} rounds after 1 warm-up; each round: Nestor, bare, kustomize (${K_RUNS} processes in all)\n`);

const templatesLoad = await timedAsync(() => loadTemplateSet());
const templates = templatesLoad.value;
const bareTemplates = compileBare();

const nestorRuns: NestorRun[] = [];
const bareRuns: BareRun[] = [];
const kRounds: number[][] = [];
const freshRuns: number[] = [];
// The first run is the cold one (JIT, schema compilation), as in a `nestor validate` process.
const cold = runNestor(config, templates);
const version = await kubectlVersion();
let kustomize: KustomizeSession | undefined;
const [kApp, kEnv] = [config.apps[1] ?? config.apps[0]!, config.environments[0]!];
const fresh = openFreshRender(config, kApp, kEnv);
try {
  fresh.run();
  if (version !== undefined) {
    kustomize = await openKustomize(kApp, sevenObjects(renderOne(loadConfigTree(config.files), templates, config, kApp, kEnv)));
  }
  runBare(config, bareTemplates);
  for (let round = 0; round < RUNS; round++) {
    nestorRuns.push(runNestor(config, templates));
    freshRuns.push(fresh.run());
    bareRuns.push(runBare(config, bareTemplates));
    const builds = Math.floor(((round + 1) * K_RUNS) / RUNS) - Math.floor((round * K_RUNS) / RUNS);
    const times: number[] = [];
    for (let i = 0; kustomize && i < builds; i++) times.push(await kustomize.build());
    kRounds.push(times);
  }
} finally {
  await kustomize?.close();
  fresh.close();
}

const n = nestorRuns[0]!;
const nTotal = medianOf(nestorRuns, (r) => r.totalMs);
const nPerAppEnv = nTotal / n.appEnvs;
console.log(table(`Nestor: load + renderConfiguredApp + toYaml, ${count(n.appEnvs)} app-environments`, [
  ['templates: read + compile (once)', ms(templatesLoad.ms)],
  ['load: parse + validate files', ms(medianOf(nestorRuns, (r) => r.loadMs)), `${count(config.files.length)} files`],
  ['render: merge, checks, render, k8s schema, YAML', ms(medianOf(nestorRuns, (r) => r.renderMs))],
  ['total', ms(nTotal), `runs: ${nestorRuns.map((r) => r.totalMs.toFixed(0)).join(', ')} ms`],
  ['app-environments / s', count(n.appEnvs / (nTotal / 1000))],
  ['ms per app-environment', ms(nPerAppEnv)],
  ['objects', count(n.objects), `${(n.objects / n.appEnvs).toFixed(1)} per app-environment`],
  ['YAML out', `${count(n.yamlBytes / 1024)} KiB`],
  ['cold first run (JIT, schema compile)', ms(cold.totalMs), `load ${ms(cold.loadMs)}, render ${ms(cold.renderMs)}`],
  [`one app-environment, a fresh process (\`nestor render ${kApp} ${kEnv}\`)`, ms(median(freshRuns)), `cold caches, the whole config checked; runs: ${freshRuns.map((t) => t.toFixed(0)).join(', ')} ms`],
]));

const bText = medianOf(bareRuns, (r) => r.parseMs + r.renderMs);
const bBack = medianOf(bareRuns, (r) => r.parseMs + r.renderMs + r.parseBackMs);
const b = bareRuns[0]!;
console.log(table('Bare in-process floor: js-yaml parse + deep merge + precompiled Handlebars, no validation', [
  ['parse files', ms(medianOf(bareRuns, (r) => r.parseMs))],
  ['merge + render to text', ms(medianOf(bareRuns, (r) => r.renderMs))],
  ['total (text)', ms(bText), `${ms(bText / b.appEnvs)} per app-environment`],
  ['parse the text back', ms(medianOf(bareRuns, (r) => r.parseBackMs))],
  ['total with parse-back', ms(bBack), `${ms(bBack / b.appEnvs)} per app-environment, ${count(b.objects)} objects`],
]));

const kAll = kRounds.flat();
const kMs = median(kAll);
const kGoal = kMs * GOAL_APP_ENVS;
if (kustomize) {
  console.log(table(`${version}: base of ${kustomize.objects} objects (Nestor's render of ${kApp} in ${kEnv}) + overlay (namespace, variable, replicas)`, [
    ['ms per app-environment (one process)', ms(kMs), `runs: ${kAll.map((t) => t.toFixed(0)).join(', ')} ms`],
    [`${GOAL_APP_ENVS} app-environments`, ms(kGoal)],
    [`${count(n.appEnvs)} app-environments (projected)`, ms(kMs * n.appEnvs)],
    ['overlay applied', kustomize.patched ? 'yes' : 'NO: check the overlay'],
  ]));
} else {
  console.log('kubectl kustomize baseline: skipped (kubectl not found; set KUBECTL=/path/to/kubectl)\n');
}

const paired = nestorRuns.map((r, i) => r.totalMs / (median(kRounds[i] ?? []) * GOAL_APP_ENVS));
console.log(table('Ratios (lower is better for Nestor)', [
  [`Nestor all ${count(n.appEnvs)} / kustomize ${GOAL_APP_ENVS}`, ratio(nTotal / kGoal), `round by round: ${paired.map(ratio).join(', ')}`],
  [`Nestor all ${count(n.appEnvs)}, cold / kustomize ${GOAL_APP_ENVS}`, ratio(cold.totalMs / kGoal)],
  ['per app-environment: kustomize / Nestor', times(kMs / nPerAppEnv), 'speed-up'],
  ['one app-environment, fresh processes: Nestor / kustomize', ratio(median(freshRuns) / kMs), `${ms(median(freshRuns))} against ${ms(kMs)}`],
  ['Nestor / bare (text)', times(nTotal / bText), "Nestor's overhead"],
  ['Nestor / bare with parse-back', times(nTotal / bBack)],
]));

reportGoals([{
  name: `Nestor all ${count(n.appEnvs)} app-environments / kustomize ${GOAL_APP_ENVS}, time`,
  ratio: nTotal / kGoal, bound: 'under', limit: 1, ...(kustomize ? {} : { invalid: 'kustomize baseline skipped' }),
}], 'render goal (issue 2)');
