// `npm run bench` (or `node dist/bench/staging-release.bench.js`): a scheduled staging release
// of 130 generated apps against the kube simulator, every app through the real deploy pipeline
// (config read from a folder, render, diff, server-side apply over HTTP, rollout wait, history
// commit and push to a real git repository), with parallelism bounded per cluster. Baselines
// measured in the same run: the same release one app at a time, and the pure in-process render
// of the same apps. Prints figures and ratios; asserts nothing.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadTemplateSet } from '../src/adapters/fs/templates.js';
import { loadConfigTree } from '../src/core/config/index.js';
import { renderConfiguredApp } from '../src/core/render/index.js';
import type { Stage } from '../src/core/release/events.js';
import { generateConfig, type GeneratedConfig } from './generate-config.js';
import { median } from './lib/measure.js';
import { count, ms, ratio, table, times, type Row } from './lib/report.js';
import { releaseAll, type ReleaseRun } from './staging/release-all.js';
import { ENV, openWorld } from './staging/world.js';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '130' },
    parallelism: { type: 'string', default: '8' },
    // One app at a time costs as much per app as the parallel run: a fifth of the apps gives its rate.
    'baseline-apps': { type: 'string', default: '26' },
  },
});
const [APPS, PARALLELISM, BASELINE_APPS] = [args.apps, args.parallelism, args['baseline-apps']].map(Number) as [number, number, number];

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function release(config: GeneratedConfig, apps: readonly string[], perCluster: number, run: string): Promise<ReleaseRun> {
  const world = await openWorld(config);
  try {
    return await releaseAll(world, apps, perCluster, run);
  } finally {
    await world.close();
  }
}

/** Merge + render + schema checks of every app, in-process, config and templates loaded once. */
async function pureRender(config: GeneratedConfig): Promise<number> {
  const tree = loadConfigTree(config.files);
  const templates = await loadTemplateSet();
  const start = performance.now();
  for (const app of config.apps) {
    renderConfiguredApp({
      tree, templates, app, env: ENV, environment: config.processEnv, secretValues: config.secretValues,
      version: { sha: 'f'.repeat(40), ref: 'main' }, procfile: 'web: node server.js\nworker: node worker.js\n',
    });
  }
  return performance.now() - start;
}

const stageMedian = (run: ReleaseRun, stage: Stage) => median(run.apps.flatMap((a) => (a.stages[stage] === undefined ? [] : [a.stages[stage]])));

function rows(run: ReleaseRun): Row[] {
  const per = run.apps.map((a) => a.ms);
  const outcomes = new Map<string, number>();
  for (const a of run.apps) outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
  return [
    ['apps', count(run.apps.length), [...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')],
    ['total', ms(run.totalMs)],
    ['apps / s', ratio(run.apps.length / (run.totalMs / 1000))],
    ['per app p50', ms(percentile(per, 50))],
    ['per app p95', ms(percentile(per, 95))],
    ['  resolve (config load, pin, ref)', ms(stageMedian(run, 'resolve')), 'median per app'],
    ['  render', ms(stageMedian(run, 'render'))],
    ['  diff (read live)', ms(stageMedian(run, 'diff'))],
    ['  apply', ms(stageMedian(run, 'apply'))],
    ['  rollout', ms(stageMedian(run, 'rollout'))],
    ['  history (commit + push, one clone)', ms(stageMedian(run, 'history'))],
  ];
}

const config = generateConfig(APPS, 2);
console.log(`staging release benchmark: ${APPS} apps in ${ENV} on one simulated cluster, Node ${process.version}`);
console.log(`parallelism ${PARALLELISM} per cluster; baseline: ${BASELINE_APPS} apps one at a time, and the pure render\n`);

await release(generateConfig(4, 2), generateConfig(4, 2).apps, 2, 'warm-up');
const parallel = await release(config, config.apps, PARALLELISM, 'parallel');
const baselineApps = config.apps.slice(0, BASELINE_APPS);
const sequential = await release(config, baselineApps, 1, 'sequential');
const renderMs = await pureRender(config);

for (const run of [parallel, sequential]) {
  const failed = run.apps.filter((a) => a.outcome !== 'released');
  for (const a of failed.slice(0, 3)) console.log(`  ${a.app}: ${a.outcome}${a.error ? `: ${a.error}` : ''}`);
}
console.log(table(`Staging release, ${PARALLELISM} at a time per cluster`, rows(parallel)));
console.log(table(`Baseline: one app at a time (${sequential.apps.length} apps)`, rows(sequential)));
const parallelRate = parallel.apps.length / parallel.totalMs;
const sequentialRate = sequential.apps.length / sequential.totalMs;
console.log(table('Ratios', [
  [`apps/s, parallelism ${PARALLELISM} / parallelism 1`, times(parallelRate / sequentialRate), 'speed-up of bounded parallelism'],
  ['pure render, all apps', ms(renderMs), `${ms(renderMs / APPS)} per app (config and templates loaded once)`],
  ['release per app (total / apps) / pure render per app', times(parallel.totalMs / parallel.apps.length / (renderMs / APPS)), 'pipeline cost over rendering'],
]));
