// A staging release: every app deployed at `main`, with at most `perCluster` releases at once
// on each cluster (an app on several clusters holds a slot on each, taken in name order).
import { performance } from 'node:perf_hooks';
import pLimit, { type LimitFunction } from 'p-limit';
import { appConfig } from '../../src/core/config/index.js';
import { deploy } from '../../src/core/release/deploy.js';
import type { ReleaseEvent, Stage } from '../../src/core/release/events.js';
import type { ReleaseOutcome } from '../../src/core/release/release-deps.js';
import { startCpuMeter, type CpuSpent } from './cpu-meter.js';
import { ENV, type World } from './world.js';

export interface AppTiming {
  app: string;
  outcome: ReleaseOutcome | 'error';
  /** From taking its cluster slot(s) to the end of the release. */
  ms: number;
  /** Time per pipeline stage. */
  stages: Partial<Record<Stage, number>>;
  error?: string;
}

export interface ReleaseRun {
  perCluster: number;
  totalMs: number;
  apps: AppTiming[];
  cpu: CpuSpent;
}

/** The clusters of each app in the environment (the config read once). */
async function clustersOf(world: World, apps: readonly string[]): Promise<Map<string, string[]>> {
  const { tree } = await world.deps.config.load();
  return new Map(apps.map((app) => [app, (appConfig(tree, app, ENV).config.deployments?.kubernetes ?? []).map((c) => c.cluster_name).sort()]));
}

function withSlots<T>(limits: readonly LimitFunction[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = limits;
  return first ? first(() => withSlots(rest, fn)) : fn();
}

function stageTimer(): { onEvent: (e: ReleaseEvent) => void; stages: Partial<Record<Stage, number>> } {
  const started = new Map<Stage, number>();
  const stages: Partial<Record<Stage, number>> = {};
  const onEvent = (e: ReleaseEvent) => {
    if (e.type !== 'stage') return;
    if (e.status === 'started') started.set(e.stage, performance.now());
    else stages[e.stage] = performance.now() - (started.get(e.stage) ?? performance.now());
  };
  return { onEvent, stages };
}

async function releaseOne(world: World, app: string, run: string): Promise<AppTiming> {
  const start = performance.now();
  const timer = stageTimer();
  try {
    const result = await deploy(world.deps, { user: 'cron', jobId: `${run}-${app}`, onEvent: timer.onEvent }, { app, ref: 'main', env: ENV, trigger: 'schedule' });
    return { app, outcome: result.outcome, ms: performance.now() - start, stages: timer.stages };
  } catch (error) {
    return { app, outcome: 'error', ms: performance.now() - start, stages: timer.stages, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function releaseAll(world: World, apps: readonly string[], perCluster: number, run: string): Promise<ReleaseRun> {
  const clusters = await clustersOf(world, apps);
  const limits = new Map<string, LimitFunction>();
  const limitOf = (cluster: string): LimitFunction => {
    const known = limits.get(cluster) ?? pLimit(perCluster);
    limits.set(cluster, known);
    return known;
  };
  const cpuSince = await startCpuMeter(world.sim);
  const start = performance.now();
  const timings = await Promise.all(apps.map((app) => withSlots((clusters.get(app) ?? []).map(limitOf), () => releaseOne(world, app, run))));
  const totalMs = performance.now() - start;
  return { perCluster, totalMs, apps: timings, cpu: await cpuSince() };
}
