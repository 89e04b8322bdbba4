// `npm run bench` (or `node dist/bench/sync-report.bench.js`): the sync report of a whole fleet,
// 25 environments × 130 apps all released (bench/report/fleet-world.ts: the kube simulator in a
// process of its own with a latency per request; the history in memory by default, `--history git`
// for the real one), against the raw reads it needs in the same world: each environment's heads
// (latest releases and pins), each released app's last releases and latest release's manifests,
// and one list of each environment's objects per cluster, at the same parallelism. The ratio is what the report adds: the drift of each app, its config hashed, the
// Slack messages built. Rounds interleaved, their order alternated.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { toBlockKit } from '../src/adapters/slack/block-kit.js';
import { appConfig, appsOf } from '../src/core/config/index.js';
import { syncReport, FAILURE_LOOKBACK, type SyncReportDeps } from '../src/core/fleet/sync-report.js';
import { countsLine, syncReportMessages } from '../src/core/fleet/sync-report-messages.js';
import { Slots } from '../src/core/fleet/slots.js';
import { READS_AT_ONCE } from '../src/core/fleet/live-drift.js';
import { PRUNABLE_KINDS } from '../src/core/release/cluster-steps.js';
import { ENVIRONMENT, MANAGED_BY } from '../src/core/render/labels.js';
import { generateConfig } from './generate-config.js';
import { median } from './lib/measure.js';
import { count, ms, table, times } from './lib/report.js';
import { DRIFT_EVERY, openFleetWorld } from './report/fleet-world.js';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '130' },
    envs: { type: 'string', default: '25' },
    'latency-ms': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    history: { type: 'string', default: 'memory' },
  },
});
const [APPS, ENVS, LATENCY_MS, ROUNDS] = [args.apps, args.envs, args['latency-ms'], args.rounds].map(Number) as [number, number, number, number];
const HISTORY = args.history === 'git' ? 'git' : 'memory';

/** What the report reads, and nothing else: the floor under it. */
async function rawReads(deps: SyncReportDeps): Promise<number> {
  const { tree } = await deps.config.load();
  const reads = new Slots(READS_AT_ONCE);
  const envs = [...tree.environments.keys()];
  const kinds = [...PRUNABLE_KINDS, { apiVersion: 'v1', kind: 'Secret' }];
  const listed = envs.flatMap((env) => {
    const targets = new Set(appsOf(tree, env).flatMap((app) => (appConfig(tree, app, env).config.deployments?.kubernetes ?? []).map((c) => `${c.context ?? c.cluster_name}\n${c.namespace ?? env}`)));
    return [...targets].map((target) => {
      const [context = '', namespace = env] = target.split('\n');
      return reads.run([context], () => deps.clusters.cluster(context).list({ namespace, kinds, labelSelector: `${MANAGED_BY}=nestor,${ENVIRONMENT}=${env}` }));
    });
  });
  // All at once, as the report asks them (they share the history's fetch): where each environment's
  // apps stand, then each released app's last releases and latest release.
  const histories = envs.map(async (env) => {
    const heads = await deps.history.headsOf(env, appsOf(tree, env));
    await Promise.all([...heads].filter(([, head]) => head.latest).map(([app]) => Promise.all([deps.history.list(app, env, FAILURE_LOOKBACK), deps.history.get(app, env)])));
  });
  const [lists] = await Promise.all([Promise.all(listed), Promise.all(histories)]);
  return lists.reduce((n, objects) => n + objects.length, 0);
}

const config = generateConfig(APPS, ENVS);
console.log(`sync report benchmark: ${ENVS} environments × ${APPS} apps, every ${DRIFT_EVERY}th app-environment drifted; ${HISTORY} history; simulator ${LATENCY_MS} ms per request; Node ${process.version}\n`);
const setupStart = performance.now();
const world = await openFleetWorld(config, LATENCY_MS, HISTORY);
console.log(`  setup: ${count(world.released.length)} app-environments released and recorded in ${ms(performance.now() - setupStart)}`);
try {
  // Unmeasured: the first run compiles the code paths and fills the config's caches.
  const warm = performance.now();
  await syncReport(world.deps);
  console.log(`  warm-up report: ${ms(performance.now() - warm)}`);
  const rounds: { report: number; raw: number }[] = [];
  let last = '';
  for (let round = 1; round <= ROUNDS; round++) {
    const measure = { report: 0, raw: 0 };
    const runReport = async () => {
      const start = performance.now();
      const report = await syncReport(world.deps);
      const { summary, thread } = syncReportMessages(report, { by: 'bench' });
      [summary, ...thread].forEach(toBlockKit);
      measure.report = performance.now() - start;
      last = `${countsLine(report.environments.flatMap((e) => e.apps))}; ${thread.length} thread replies`;
    };
    const runRaw = async () => {
      const start = performance.now();
      await rawReads(world.deps);
      measure.raw = performance.now() - start;
    };
    for (const step of round % 2 === 1 ? [runReport, runRaw] : [runRaw, runReport]) await step();
    rounds.push(measure);
    console.log(`  round ${round}: report ${ms(measure.report)}, raw reads ${ms(measure.raw)}`);
  }
  console.log(`  the report said: ${last}`);
  const reportMs = median(rounds.map((r) => r.report));
  const rawMs = median(rounds.map((r) => r.raw));
  console.log('');
  console.log(table(`Sync report, ${ENVS} × ${APPS} app-environments (medians of ${ROUNDS} rounds)`, [
    ['sync report + Slack messages', ms(reportMs), 'drift, config state, last failure, pins'],
    ['raw reads it needs', ms(rawMs), 'heads of each environment, then history list + latest release per app; one list per environment and cluster'],
    ['report / raw reads', times(reportMs / rawMs), 'what the report adds over its reads'],
  ]));
} finally {
  await world.close();
}
