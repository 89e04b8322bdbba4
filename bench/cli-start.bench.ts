// The CLI as its users feel it: `nestor render <app> <env>` and `nestor envs` as whole processes
// (start, load, validate, render, print, exit) against `helm template` of an equivalent chart,
// a real helm v4 binary. Goals (issue 8): at most 1.5× helm's time and 2× its peak memory;
// `nestor help` and a bad argument are shown too (they must stay instant). Nestor runs as
// installed, bin/nestor (from the startup snapshot when `npm run build` made one for this node);
// `render` also runs through bin/nestor.js (the bundle, no snapshot), for comparison. Rounds are
// interleaved (helm, then each nestor command), after a warm-up round; figures are medians of 11
// rounds (`--rounds N`): with 5, a few seconds of noise on the shared machine moved render's
// median from 60 to 81 ms (1.32× to 1.64× helm's) while helm's moved 3 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { helmBinary, helmVersion } from './cli/helm.js';
import { writeChart } from './cli/helm-chart.js';
import { measuresMemory, runProcess, type ProcessRun } from './cli/process-run.js';
import { reportGoals, type Goal } from './lib/goals.js';
import { median } from './lib/measure.js';
import { count, ms, table, times } from './lib/report.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '11' }, app: { type: 'string', default: 'mary' }, env: { type: 'string', default: 'production' } },
});
const ROUNDS = Number(args.rounds);
const [APP, ENV] = [args.app, args.env];
const TIME_GOAL = 1.5;
const MEMORY_GOAL = 2;

// dist/bench/cli-start.bench.js → the repository: bin/nestor and bin/nestor.js run dist.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'nestor-cli-bench-'));
const env = { PATH: process.env['PATH'], HOME: work, NESTOR_CONFIG: join(ROOT, 'nestor-config'), NESTOR_STATE: join(work, 'state'), NESTOR_USER: 'bench' };

type Side = 'helm template' | `nestor ${string}`;
const nestorCommands: Record<string, string[]> = {
  [`nestor render ${APP} ${ENV}`]: ['render', APP, ENV],
  'nestor envs': ['envs'],
  'nestor help': ['help'],
  'nestor deploy (bad arguments)': ['deploy'],
};
const WITHOUT_SNAPSHOT: Side = `nestor render ${APP} ${ENV}, bin/nestor.js`;

function objectsOf(yamlText: string): unknown[] {
  const key = (o: unknown) => JSON.stringify([(o as { kind?: string }).kind, (o as { metadata?: { name?: string } }).metadata?.name]);
  return parseAllDocuments(yamlText).map((d) => d.toJS() as unknown).filter((o) => o !== null).sort((a, b) => key(a).localeCompare(key(b)));
}

try {
  const helm = await helmBinary();
  const nestor = (argv: string[]) => runProcess(join(ROOT, 'bin', 'nestor'), argv, { cwd: ROOT, env });
  const withoutSnapshot = () => runProcess(process.execPath, [join(ROOT, 'bin', 'nestor.js'), 'render', APP, ENV], { cwd: ROOT, env });

  // The chart is built from what the CLI prints, so both sides produce the same objects.
  const rendered = await nestor(['render', APP, ENV]);
  if (rendered.code !== 0) throw new Error(`nestor render ${APP} ${ENV} failed: ${rendered.stderr}`);
  const objects = objectsOf(rendered.stdout);
  const chart = await writeChart(work, APP, objects as Parameters<typeof writeChart>[2]);
  const helmArgs = ['template', APP, chart];
  const helmRun = () => runProcess(helm, helmArgs, { cwd: work, env });
  const first = await helmRun();
  if (first.code !== 0) throw new Error(`helm template failed: ${first.stderr}`);
  const same = isDeepStrictEqual(objectsOf(first.stdout), objects);

  const runs = new Map<Side, ProcessRun[]>();
  const record = (side: Side, run: ProcessRun) => runs.set(side, [...(runs.get(side) ?? []), run]);
  for (let round = 0; round <= ROUNDS; round++) {
    const warmUp = round === 0;
    const h = await helmRun();
    if (!warmUp) record('helm template', h);
    for (const [side, argv] of Object.entries(nestorCommands)) {
      const run = await nestor(argv);
      if (!warmUp) record(side as Side, run);
    }
    const bundled = await withoutSnapshot();
    if (!warmUp) record(WITHOUT_SNAPSHOT, bundled);
  }

  const msOf = (side: Side) => median((runs.get(side) ?? []).map((r) => r.ms));
  const memOf = (side: Side) => median((runs.get(side) ?? []).map((r) => r.peakKiB));
  const mem = (kib: number) => (Number.isFinite(kib) ? `${count(kib / 1024)} MiB` : 'not measured');
  const cpuOf = (side: Side) => median((runs.get(side) ?? []).map((r) => r.cpuMs));
  const list = (side: Side) => (runs.get(side) ?? []).map((r) => r.ms.toFixed(0)).join(', ');
  console.log(`CLI start benchmark: whole processes, medians of ${ROUNDS} interleaved rounds after a warm-up; ${await helmVersion(helm, env)}, Node ${process.version}\n`);
  console.log(`helm chart: ${objects.length} templates (one per object Nestor renders for ${APP} in ${ENV}), every value from values.yaml; same objects as Nestor: ${same ? 'yes' : 'NO'}\n`);
  const sides: Side[] = ['helm template', ...(Object.keys(nestorCommands) as Side[]), WITHOUT_SNAPSHOT];
  console.log(table('Per process', sides.map((side) => [side, ms(msOf(side)), `peak ${mem(memOf(side))}, CPU ${measuresMemory ? ms(cpuOf(side)) : 'not measured'}; runs: ${list(side)} ms`])));

  const helmMs = msOf('helm template');
  const helmMem = memOf('helm template');
  const invalid = same ? {} : { invalid: 'helm printed other objects than Nestor' };
  const goals: Goal[] = [];
  for (const side of [`nestor render ${APP} ${ENV}`, 'nestor envs'] as Side[]) {
    goals.push({ name: `${side} / helm template, time`, ratio: msOf(side) / helmMs, bound: 'at most', limit: TIME_GOAL, ...invalid });
    if (measuresMemory) goals.push({ name: `${side} / helm template, peak memory`, ratio: memOf(side) / helmMem, bound: 'at most', limit: MEMORY_GOAL, ...invalid });
  }
  reportGoals(goals, 'Goals (issue 8)');
  console.log(table('Shown beside the goals', [
    ...(measuresMemory ? ([`nestor render ${APP} ${ENV}`, 'nestor envs', WITHOUT_SNAPSHOT] as Side[]).map((side) =>
      [`${side} / helm template, CPU time`, times(cpuOf(side) / cpuOf('helm template')), 'shown: steadier than the time on a shared machine'] as const,
    ) : []),
    ['nestor help / helm template, time', times(msOf('nestor help') / helmMs), 'shown: stays instant'],
    ['nestor deploy (bad arguments) / helm template, time', times(msOf('nestor deploy (bad arguments)') / helmMs), 'shown: stays instant'],
  ]));
  if (!measuresMemory) console.log('peak memory: not measured (no /usr/bin/time): the time goals only');
} finally {
  await rm(work, { recursive: true, force: true });
}
