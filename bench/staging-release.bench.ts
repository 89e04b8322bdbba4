// `npm run bench` (or `node dist/bench/staging-release.bench.js`): a scheduled staging release
// of 130 generated apps against the kube simulator in its own process answering each request
// after --latency-ms (a real API server's round trip), every app through the real deploy
// pipeline (config read from a folder, render, diff, server-side apply over HTTP, rollout wait,
// history commit and push to a real git repository), with parallelism bounded per cluster.
// Baselines measured in the same run, rounds interleaved: the same release one app at a time,
// the floor (the same manifests server-side applied straight over HTTP at the same parallelism,
// no kubectl, no Nestor), and the pure in-process render. Prints figures, ratios and goals.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadTemplateSet } from '../src/adapters/fs/templates.js';
import { loadConfigTree } from '../src/core/config/index.js';
import { renderConfiguredApp } from '../src/core/render/index.js';
import type { Stage } from '../src/core/release/events.js';
import { generateConfig, type GeneratedConfig } from './generate-config.js';
import { reportGoals } from './lib/goals.js';
import { median, medianOf } from './lib/measure.js';
import { count, ms, ratio, table, times, type Row } from './lib/report.js';
import { rawApply, renderedObjects, type RawApplyRun } from './staging/raw-apply.js';
import { releaseAll, type ReleaseRun } from './staging/release-all.js';
import { ENV, moveMain, openWorld } from './staging/world.js';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '130' },
    parallelism: { type: 'string', default: '8' },
    // One app at a time costs as much per app as the parallel run: a fifth of the apps gives its rate.
    'baseline-apps': { type: 'string', default: '26' },
    // A cluster's answer time must dominate for the speed-up goal to mean anything: at 5 ms the
    // machine's CPU does. 50 ms is a remote API server's round trip (another region, a cloud
    // load balancer); `--latency-ms 5` is an API server next door.
    'latency-ms': { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    // `released`: each app already runs a previous version (a staging release as it happens, most
    // objects updated); `empty`: every object is created (each app's first release).
    fleet: { type: 'string', default: 'released' },
  },
});
const [APPS, PARALLELISM, BASELINE_APPS, LATENCY_MS, ROUNDS] =
  [args.apps, args.parallelism, args['baseline-apps'], args['latency-ms'], args.rounds].map(Number) as [number, number, number, number, number];
const RELEASED = args.fleet !== 'empty';
const SPEED_UP_GOAL = 5;
const FLOOR_GOAL = 1.5;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function release(config: GeneratedConfig, apps: readonly string[], perCluster: number, run: string): Promise<ReleaseRun> {
  const world = await openWorld(config, LATENCY_MS);
  try {
    if (RELEASED) {
      const before = await releaseAll(world, apps, PARALLELISM, `${run}-before`);
      const failed = before.apps.find((a) => a.outcome !== 'released');
      if (failed) throw new Error(`the release before ${run} failed for ${failed.app}: ${failed.outcome} ${failed.error ?? ''}`);
      moveMain(world, apps);
    }
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
    ['CPU per app: Nestor', ms(run.cpu.nestorMs / run.apps.length), 'its process'],
    ['CPU per app: git', ms(run.cpu.childrenMs / run.apps.length), 'the processes Nestor spawned'],
    ['CPU per app: simulator', ms(run.cpu.simulatorMs / run.apps.length), 'its process'],
    ['requests per app', ratio(run.cpu.requests / run.apps.length), 'received by the simulator'],
  ];
}


const config = generateConfig(APPS, 2);
console.log(`staging release benchmark: ${APPS} apps in ${ENV} on one simulated cluster (its own process, ${LATENCY_MS} ms per request), Node ${process.version}`);
console.log(`${RELEASED ? 'every app already released (a previous version), so most objects are updated' : 'no app released before: every object is created'} (--fleet ${RELEASED ? 'released' : 'empty'})`);
console.log(`parallelism ${PARALLELISM} per cluster; baselines: ${BASELINE_APPS} apps one at a time, raw server-side applies of the same manifests, the pure render; ${ROUNDS} rounds interleaved\n`);

await release(generateConfig(4, 2), generateConfig(4, 2).apps, 2, 'warm-up');
const objects = await renderedObjects(config, config.apps);
const objectsBefore = RELEASED ? await renderedObjects(config, config.apps, 'e'.repeat(40)) : [];
const baselineApps = config.apps.slice(0, BASELINE_APPS);
const rounds: { parallel: ReleaseRun; sequential: ReleaseRun; floor: RawApplyRun }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const parallel = await release(config, config.apps, PARALLELISM, `parallel-${round}`);
  const floor = await rawApply(config, objects, PARALLELISM, LATENCY_MS, objectsBefore);
  const sequential = await release(config, baselineApps, 1, `sequential-${round}`);
  rounds.push({ parallel, sequential, floor });
  console.log(`  round ${round}: parallelism ${PARALLELISM} ${ms(parallel.totalMs)}, floor ${ms(floor.totalMs)}, one at a time (${BASELINE_APPS} apps) ${ms(sequential.totalMs)}`);
}
const renderMs = await pureRender(config);

const medianRound = [...rounds].sort((a, b) => a.parallel.totalMs - b.parallel.totalMs)[Math.floor(rounds.length / 2)]!;
for (const run of rounds.flatMap((r) => [r.parallel, r.sequential])) {
  const failed = run.apps.filter((a) => a.outcome !== 'released');
  for (const a of failed.slice(0, 3)) console.log(`  ${a.app}: ${a.outcome}${a.error ? `: ${a.error}` : ''}`);
}
console.log('');
console.log(table(`Staging release, ${PARALLELISM} at a time per cluster (median round)`, rows(medianRound.parallel)));
console.log(table(`Baseline: one app at a time (${BASELINE_APPS} apps, median round)`, rows(medianRound.sequential)));
const parallelAppMs = medianOf(rounds, (r) => r.parallel.totalMs / r.parallel.apps.length);
const sequentialAppMs = medianOf(rounds, (r) => r.sequential.totalMs / r.sequential.apps.length);
const floorAppMs = medianOf(rounds, (r) => r.floor.totalMs / APPS);
const speedUp = sequentialAppMs / parallelAppMs;
const overFloor = parallelAppMs / floorAppMs;
console.log(table(`Ratios (medians of ${ROUNDS} rounds, ${LATENCY_MS} ms per request)`, [
  [`release per app, parallelism ${PARALLELISM}`, ms(parallelAppMs), `${ratio(1000 / parallelAppMs)} apps/s`],
  ['release per app, one at a time', ms(sequentialAppMs), `${ratio(1000 / sequentialAppMs)} apps/s`],
  [`floor per app, parallelism ${PARALLELISM}`, ms(floorAppMs), `${medianRound.floor.objects} server-side applies straight over HTTP`],
  ['CPU per app, parallelism ' + String(PARALLELISM), ms(medianOf(rounds, (r) => r.parallel.cpu.nestorMs / r.parallel.apps.length)),
    `Nestor; git ${ms(medianOf(rounds, (r) => r.parallel.cpu.childrenMs / r.parallel.apps.length))}, simulator ${ms(medianOf(rounds, (r) => r.parallel.cpu.simulatorMs / r.parallel.apps.length))}`],
  ['CPU per app, floor', ms(medianOf(rounds, (r) => r.floor.cpu.nestorMs / APPS)), `its client; simulator ${ms(medianOf(rounds, (r) => r.floor.cpu.simulatorMs / APPS))}`],
  ['requests per app, release / floor', `${ratio(medianOf(rounds, (r) => r.parallel.cpu.requests / r.parallel.apps.length))} / ${ratio(medianOf(rounds, (r) => r.floor.cpu.requests / APPS))}`, 'received by the simulator'],
  ['pure render, all apps', ms(renderMs), `${ms(renderMs / APPS)} per app (config and templates loaded once)`],
  ['release per app / pure render per app', times(parallelAppMs / (renderMs / APPS)), 'pipeline cost over rendering'],
]));
reportGoals([
  { name: `speed-up, parallelism ${PARALLELISM} / 1`, ratio: speedUp, bound: 'at least', limit: SPEED_UP_GOAL },
  { name: `release / floor, parallelism ${PARALLELISM}`, ratio: overFloor, bound: 'at most', limit: FLOOR_GOAL },
], 'staging release goals');
