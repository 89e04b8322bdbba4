// `npm run bench` (or `node dist/bench/tracked-release.bench.js`): the scheduled staging release
// (release-tracked) of 130 generated apps of which 10 moved, against the same 10 apps deployed
// alone at the same parallelism (the goal: at most 1.5× of it, so a run costs the apps that moved,
// not the 130). The world of bench/staging: the kube simulator in a process of its own with a
// latency per request, a real git release history, the config read from a folder; app origins
// in memory, each branch lookup paying --lookup-ms as a `git ls-remote` to a git server would.
// Rounds interleaved, their order alternated.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { releaseTracked, type TrackedRelease } from '../src/core/fleet/tracked-release.js';
import type { ReleaseDeps } from '../src/core/release/release-deps.js';
import type { SourceRepo } from '../src/core/ports/source-repo.js';
import type { FakeSourceRepo } from '../src/testkit/fakes/git/fake-source-repo.js';
import { generateConfig, type GeneratedConfig } from './generate-config.js';
import { reportGoals } from './lib/goals.js';
import { median } from './lib/measure.js';
import { ms, table } from './lib/report.js';
import { releaseAll } from './staging/release-all.js';
import { ENV, openWorld, type World } from './staging/world.js';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '130' },
    moved: { type: 'string', default: '10' },
    parallelism: { type: 'string', default: '8' },
    'latency-ms': { type: 'string', default: '5' },
    'lookup-ms': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
  },
});
const [APPS, MOVED, PARALLELISM, LATENCY_MS, LOOKUP_MS, ROUNDS] =
  [args.apps, args.moved, args.parallelism, args['latency-ms'], args['lookup-ms'], args.rounds].map(Number) as [number, number, number, number, number, number];
const GOAL = 1.5;
const BRANCH = 'main';

/** Staging tracks the branch the generated origins have. */
function trackingConfig(config: GeneratedConfig): GeneratedConfig {
  const files = config.files.map((f) => (f.path === `${ENV}/project.yaml` ? { ...f, text: `${f.text}release: { tracks: ${BRANCH}, parallelism: ${PARALLELISM} }\n` } : f));
  return { ...config, files };
}

const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

/** Every lookup of a branch pays a round trip to the git server. */
function withLookupLatency(source: SourceRepo): SourceRepo {
  return {
    resolve: async (origin, ref) => (await sleep(LOOKUP_MS), source.resolve(origin, ref)),
    resolveRemote: async (origin, branch) => (await sleep(LOOKUP_MS), source.resolveRemote(origin, branch)),
    readFile: (origin, sha, path) => source.readFile(origin, sha, path),
    changelog: (origin, from, to, limit) => source.changelog(origin, from, to, limit),
  };
}

let moves = 0;
function move(world: World, apps: readonly string[]): void {
  moves += 1;
  const origins = world.deps.source as FakeSourceRepo;
  for (const app of apps) origins.commit(`git@example.test:acme/${app}.git`, BRANCH, `change ${moves}`, { CHANGE: String(moves) });
}

async function tracked(deps: ReleaseDeps, run: string): Promise<{ ms: number; result: TrackedRelease }> {
  const start = performance.now();
  const result = await releaseTracked(deps, { user: 'bench', jobId: run, onEvent: () => undefined }, { env: ENV });
  return { ms: performance.now() - start, result };
}

function outcomeCounts(result: TrackedRelease): string {
  const counts = new Map<string, number>();
  for (const a of result.apps) counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
  return [...counts].map(([o, n]) => `${n} ${o}`).join(', ');
}

const config = trackingConfig(generateConfig(APPS, 2));
const movedApps = config.apps.filter((_, i) => i % Math.floor(APPS / MOVED) === 0).slice(0, MOVED);
console.log(`tracked release benchmark: ${APPS} apps in ${ENV}, ${MOVED} of them moved, parallelism ${PARALLELISM} per cluster; simulator ${LATENCY_MS} ms per request, ${LOOKUP_MS} ms per branch lookup; Node ${process.version}\n`);

const world = await openWorld(config, LATENCY_MS);
try {
  const source = world.deps.source;
  const deps: ReleaseDeps = { ...world.deps, source: withLookupLatency(source) };
  const first = await tracked(deps, 'first');
  console.log(`  first release of every app: ${ms(first.ms)} (${outcomeCounts(first.result)})`);
  const rounds: { tracked: number; alone: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const measure = { tracked: 0, alone: 0 };
    const runTracked = async () => {
      move(world, movedApps);
      const { ms: took, result } = await tracked(deps, `tracked-${round}`);
      measure.tracked = took;
      if (result.apps.filter((a) => a.outcome === 'released').length !== MOVED) console.log(`  round ${round}: ${outcomeCounts(result)}`);
    };
    const runAlone = async () => {
      move(world, movedApps);
      const alone = await releaseAll({ ...world, deps }, movedApps, PARALLELISM, `alone-${round}`);
      measure.alone = alone.totalMs;
    };
    for (const step of round % 2 === 1 ? [runTracked, runAlone] : [runAlone, runTracked]) await step();
    rounds.push(measure);
    console.log(`  round ${round}: release-tracked ${ms(measure.tracked)}, the ${MOVED} moved apps deployed alone ${ms(measure.alone)}`);
  }
  // What the 130 lookups and history reads cost alone.
  const idle = await tracked(deps, 'nothing-moved');
  const trackedMs = median(rounds.map((r) => r.tracked));
  const aloneMs = median(rounds.map((r) => r.alone));
  const over = trackedMs / aloneMs;
  console.log('');
  console.log(table(`Tracked release, ${APPS} apps of which ${MOVED} moved (medians of ${ROUNDS} rounds)`, [
    [`release-tracked of ${APPS} apps`, ms(trackedMs), `${APPS - MOVED} unchanged: one lookup each`],
    [`the ${MOVED} moved apps deployed alone`, ms(aloneMs), 'same parallelism, same world'],
    [`release-tracked, nothing moved (one run)`, ms(idle.ms), `${ms(idle.ms / APPS)} per app: a lookup and a history read`],
  ]));
  reportGoals([{ name: 'release-tracked / the moved apps alone', ratio: over, bound: 'at most', limit: GOAL }], 'tracked release goal');
} finally {
  await world.close();
}
