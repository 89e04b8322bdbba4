// What the fleet pipelines share (the staging release, version sync, config sync): every app of
// an environment is looked at first (unchanged, skipped, failed, or due for a release), then the
// apps due are released through the release pipeline, at most `parallelism` at once per cluster.
// A busy app (locked) is skipped rather than waited for; one app failing stops no other; each
// app's release runs under `<run's job id>.<app>`, so a run taken over after a crash records no
// app twice.
import { closest } from 'fastest-levenshtein';
import { isDnsLabel, type ConfigTree, type MergedConfig } from '../config/index.js';
import { mergedProject } from '../config/merged-project.js';
import { ErrorCode, NestorError, isNestorError } from '../errors.js';
import type { Pin } from '../ports/release-history.js';
import { ReleaseOutcome, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from '../release/release-deps.js';
import { Slots } from './slots.js';

export const DEFAULT_PARALLELISM = 4;

export const TrackedOutcome = {
  Released: 'released',
  /** A dry run: the app would be released. */
  Moved: 'moved',
  Unchanged: 'unchanged',
  Skipped: 'skipped',
  /** The release failed (rolled back and pinned when it got as far as a rollout), or the app could not be looked at. */
  Failed: 'failed',
} as const;
export type TrackedOutcome = (typeof TrackedOutcome)[keyof typeof TrackedOutcome];

export const SkipReason = {
  Pinned: 'pinned',
  Busy: 'busy',
  Disabled: 'disabled',
  Stopped: 'stopped',
  /** Version sync: a person deployed a branch here recently. */
  Held: 'held',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export interface Skip {
  reason: SkipReason;
  /** Who pinned it, who holds its lock, or who deployed it (held). */
  by?: string;
  /** Why it is pinned, or what was deployed (held). */
  why?: string;
  /** Since when (ISO-8601). */
  at?: string;
  /** Held: until when (ISO-8601). */
  until?: string;
}

export interface TrackedApp {
  app: string;
  outcome: TrackedOutcome;
  /** Released or would be: the target commit; unchanged or skipped: the recorded one; failed: the attempted one, when known. */
  sha?: string;
  /** The sha recorded before the run (none for a first release). */
  previous?: string;
  skip?: Skip;
  /** One line for people. */
  message: string;
  /** More lines for the thread (a config sync's changed keys). */
  details?: string[];
  /** The release's result, for apps whose release ran. */
  result?: ReleaseResult;
}

/** A run over the apps of an environment, as the fleet messages tell it. */
export interface FleetRun {
  env: string;
  /** `staging follows master`, `dev3 follows staging's versions`. */
  title: string;
  parallelism: number;
  dryRun: boolean;
  /** The environment's `slack.channels.info`, where the summary goes. */
  channel?: string;
  apps: TrackedApp[];
  durationMs: number;
}

/** An app looked at and due for a release. */
export interface Due {
  app: string;
  clusters: string[];
  /** The commit it is released at. */
  sha: string;
  previous?: string;
  details?: string[];
  release(deps: ReleaseDeps, ctx: ReleaseContext): Promise<ReleaseResult>;
}

/** A run over an environment's apps (the staging release, a sync), as schedules and commands call it. */
export type FleetPipeline = (deps: ReleaseDeps, ctx: ReleaseContext, input: SyncInput) => Promise<FleetRun>;

/** What a sync (version or config) is asked. */
export interface SyncInput {
  env: string;
  /** Apps released at once per cluster; default the environment's `release.parallelism`. */
  parallelism?: number;
  /** Look only: lists what would be released, releases nothing. */
  dryRun?: boolean;
  /** After each release (released, rolled back or failed): where the release announcement goes. */
  afterRelease?: (result: ReleaseResult, ctx: ReleaseContext, startedMs: number) => void;
  onApp?: (app: TrackedApp) => void;
}

export interface FleetOptions {
  parallelism: number;
  /** After each release (released, rolled back or failed): where the release announcement goes. */
  afterRelease?: (result: ReleaseResult, ctx: ReleaseContext, startedMs: number) => void;
  /** As soon as an app's outcome is known (progress). */
  onApp?: (app: TrackedApp) => void;
  /**
   * Release each due app as soon as it is found, while the others are looked at: for a run whose
   * look reads nothing of an app's history (the staging release reads every app's head once,
   * up front). Otherwise every app is looked at first (see runOverApps).
   */
  releaseAsFound?: boolean;
}

export interface FleetSettings {
  /** Apps released at once per cluster (`release.parallelism`). */
  parallelism: number;
  channel?: string;
}

/** The environment's settings for a run over its apps; refused where releases need an approval (`what` would release without one). */
export function fleetSettings(tree: ConfigTree, env: string, what: string): FleetSettings {
  if (!isDnsLabel(env)) throw new NestorError(ErrorCode.BadInput, `invalid environment name "${env}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
  if (!tree.environments.has(env)) {
    const names = [...tree.environments.keys()];
    throw new NestorError(ErrorCode.ConfigNotFound, `unknown environment "${env}"${names.length ? `; did you mean "${closest(env, names)}"?` : ''}`);
  }
  const project = mergedProject(tree, env);
  if (project.approval) {
    throw new NestorError(ErrorCode.BadInput, `${env} needs an approval for each release (approval: in its project.yaml): ${what} would release without one`);
  }
  const channel = project.slack?.channels?.info;
  return { parallelism: project.release?.parallelism ?? DEFAULT_PARALLELISM, ...(channel ? { channel } : {}) };
}

export const clustersOf = (config: MergedConfig): string[] => (config.deployments?.kubernetes ?? []).map((c) => c.cluster_name);

export function pinnedApp(app: string, env: string, pin: Pin, recorded: Pick<TrackedApp, 'sha' | 'previous'>): TrackedApp {
  return { app, outcome: TrackedOutcome.Skipped, ...recorded, skip: { reason: SkipReason.Pinned, by: pin.by, why: pin.reason, at: pin.at }, message: `${app} is pinned in ${env} by ${pin.by}: ${pin.reason}` };
}

export function checkParallelism(parallelism: number): number {
  if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw new NestorError(ErrorCode.BadInput, `invalid parallelism ${parallelism}: expected a whole number of apps at once per cluster, 1 or more`);
  }
  return parallelism;
}

/** Looks at every app (`look`, all at once: the caller bounds its own lookups), then releases the apps due. */
export async function runOverApps(
  deps: ReleaseDeps, ctx: ReleaseContext, apps: readonly string[], look: (app: string) => Promise<TrackedApp | Due>, options: FleetOptions,
): Promise<TrackedApp[]> {
  // A busy app is skipped and taken by the next run, rather than holding this one for the lock's wait.
  const fleetDeps = { ...deps, tuning: { ...deps.tuning, lockWaitMs: 0 } };
  const clusters = new Slots(checkParallelism(options.parallelism));
  const report = (app: TrackedApp): TrackedApp => {
    options.onApp?.(app);
    return app;
  };
  const release = async (a: TrackedApp | Due): Promise<TrackedApp> => report(
    'release' in a ? await clusters.run(a.clusters, () => releaseDue(fleetDeps, ctx, a, options)).catch((error: unknown) => failedApp(a.app, error)) : a,
  );
  const looking = apps.map((app) => look(app).catch((error: unknown) => failedApp(app, error)));
  if (options.releaseAsFound) return Promise.all(looking.map(async (a) => release(await a)));
  // Every app is looked at before any is released: the history reads of the unchanged apps then
  // share one fetch of the history instead of queueing behind the releases' commits and pushes.
  return Promise.all((await Promise.all(looking)).map(release));
}

async function releaseDue(deps: ReleaseDeps, ctx: ReleaseContext, due: Due, options: FleetOptions): Promise<TrackedApp> {
  const { app, sha } = due;
  const previous = due.previous ? { previous: due.previous } : {};
  const details = due.details ? { details: due.details } : {};
  if (ctx.signal?.aborted) return { app, outcome: TrackedOutcome.Skipped, ...previous, skip: { reason: SkipReason.Stopped }, message: `${app} was not released: the run was stopped` };
  // One job id per app and run: the same run taken over after a crash records each app once.
  const appCtx: ReleaseContext = { user: ctx.user, jobId: `${ctx.jobId}.${app}`, onEvent: () => undefined };
  const started = deps.wallClock.now();
  let result: ReleaseResult;
  try {
    result = await due.release(deps, appCtx);
  } catch (error) {
    if (isNestorError(error) && error.code === ErrorCode.Locked && error.detail.holder !== undefined) {
      return { app, outcome: TrackedOutcome.Skipped, ...previous, skip: { reason: SkipReason.Busy, by: String(error.detail.holder) }, message: error.message };
    }
    return { ...failedApp(app, error), sha, ...previous, ...details };
  }
  options.afterRelease?.(result, appCtx, started);
  if (result.outcome === ReleaseOutcome.Released) {
    return { app, outcome: TrackedOutcome.Released, sha: result.sha ?? sha, ...previous, ...details, message: result.message, result };
  }
  return { app, outcome: TrackedOutcome.Failed, sha: result.attempted?.sha ?? result.sha ?? sha, ...previous, ...details, message: result.message, result };
}

export function failedApp(app: string, error: unknown): TrackedApp {
  return { app, outcome: TrackedOutcome.Failed, message: `${app}: ${error instanceof Error ? error.message : String(error)}` };
}
