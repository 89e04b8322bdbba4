// `nestor release-tracked <env>` and the `staging-release` schedule: every enabled app of the
// environment follows the branch the environment tracks (`release.tracks` in project.yaml,
// master by default). An app whose branch moved since its recorded release is deployed by the
// same pipeline as a person's deploy (auto-rollback and pin on a failed rollout included); an app
// that did not move costs one remote lookup and one history read, no clone and no render; one
// whose branch moved while it is pinned is skipped, with who pinned it and why. Each app is
// compared by sha with the release history, so a run stopped half-way (a worker killed) is
// completed by the next one and no app is released twice.
import { closest } from 'fastest-levenshtein';
import { ancestry, appConfig, appsOf, isDnsLabel, mergeLayers, type ConfigTree, type ProjectFileConfig } from '../config/index.js';
import { ErrorCode, NestorError, isNestorError } from '../errors.js';
import type { ReleaseSummary } from '../ports/release-history.js';
import type { ResolvedRef } from '../ports/source-repo.js';
import { deploy } from '../release/deploy.js';
import { validateRef } from '../release/ref.js';
import { ReleaseOutcome, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from '../release/release-deps.js';
import { Slots } from './slots.js';

export const DEFAULT_TRACKED_BRANCH = 'master';
export const DEFAULT_PARALLELISM = 4;
/** Remote lookups at once (each is a short `git ls-remote`), whatever the clusters. */
const LOOKUPS_AT_ONCE = 8;

export const TrackedOutcome = {
  Released: 'released',
  /** A dry run: the branch moved, the app would be released. */
  Moved: 'moved',
  Unchanged: 'unchanged',
  Skipped: 'skipped',
  /** The release failed (rolled back and pinned when it got as far as a rollout), or the app could not be looked at. */
  Failed: 'failed',
} as const;
export type TrackedOutcome = (typeof TrackedOutcome)[keyof typeof TrackedOutcome];

export const SkipReason = { Pinned: 'pinned', Busy: 'busy', Disabled: 'disabled', Stopped: 'stopped' } as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export interface Skip {
  reason: SkipReason;
  /** Who pinned it, or who holds its lock. */
  by?: string;
  /** Why it is pinned. */
  why?: string;
  /** Since when (ISO-8601). */
  at?: string;
}

export interface TrackedApp {
  app: string;
  outcome: TrackedOutcome;
  /** Released or would be: the branch's commit; unchanged or skipped: the recorded one; failed: the attempted one, when known. */
  sha?: string;
  /** The sha recorded before the run (none for a first release). */
  previous?: string;
  skip?: Skip;
  /** One line for people. */
  message: string;
  /** The deploy's result, for apps whose release ran. */
  result?: ReleaseResult;
}

export interface TrackedReleaseInput {
  env: string;
  /** Apps released at once per cluster; default the environment's `release.parallelism`. */
  parallelism?: number;
  /** Look only: lists what moved, releases nothing. */
  dryRun?: boolean;
  /** After each deploy (released, rolled back or failed): where the release announcement goes. */
  afterDeploy?: (result: ReleaseResult, ctx: ReleaseContext, startedMs: number) => void;
  /** As soon as an app's outcome is known (progress). */
  onApp?: (app: TrackedApp) => void;
}

export interface TrackedRelease {
  env: string;
  branch: string;
  parallelism: number;
  dryRun: boolean;
  /** The environment's `slack.channels.info`, where the summary goes. */
  channel?: string;
  /** By app name. */
  apps: TrackedApp[];
  durationMs: number;
}

export interface TrackedSettings {
  branch: string;
  parallelism: number;
  channel?: string;
}

/** The environment's `release:` settings, merged down its project.yaml files; refused where releases need an approval. */
export function trackedSettings(tree: ConfigTree, env: string): TrackedSettings {
  if (!isDnsLabel(env)) throw new NestorError(ErrorCode.BadInput, `invalid environment name "${env}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
  if (!tree.environments.has(env)) {
    const names = [...tree.environments.keys()];
    throw new NestorError(ErrorCode.ConfigNotFound, `unknown environment "${env}"${names.length ? `; did you mean "${closest(env, names)}"?` : ''}`);
  }
  const project = mergeLayers(ancestry(tree, env).map((node) => node.project)) as ProjectFileConfig;
  if (project.approval) {
    throw new NestorError(ErrorCode.BadInput, `${env} needs an approval for each release (approval: in its project.yaml): a tracked release would release without one`);
  }
  const channel = project.slack?.channels?.info;
  return {
    branch: validateRef(project.release?.tracks ?? DEFAULT_TRACKED_BRANCH),
    parallelism: project.release?.parallelism ?? DEFAULT_PARALLELISM,
    ...(channel ? { channel } : {}),
  };
}

interface Run {
  deps: ReleaseDeps;
  ctx: ReleaseContext;
  input: TrackedReleaseInput;
  tree: ConfigTree;
  branch: string;
  clusters: Slots;
  lookups: Slots;
}

export async function releaseTracked(deps: ReleaseDeps, ctx: ReleaseContext, input: TrackedReleaseInput): Promise<TrackedRelease> {
  const started = deps.wallClock.now();
  const { tree } = await deps.config.load();
  const settings = trackedSettings(tree, input.env);
  const parallelism = input.parallelism ?? settings.parallelism;
  if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw new NestorError(ErrorCode.BadInput, `invalid parallelism ${parallelism}: expected a whole number of apps at once per cluster, 1 or more`);
  }
  // A busy app is skipped and taken by the next run, rather than holding this one for the lock's wait.
  const run: Run = {
    deps: { ...deps, tuning: { ...deps.tuning, lockWaitMs: 0 } }, ctx, input, tree, branch: settings.branch,
    clusters: new Slots(parallelism), lookups: new Slots(LOOKUPS_AT_ONCE),
  };
  const report = (tracked: TrackedApp): TrackedApp => {
    input.onApp?.(tracked);
    return tracked;
  };
  // Every app is looked at before any is released: the history reads of the unchanged apps then
  // share one fetch of the history instead of queueing behind the releases' commits and pushes.
  const looked = await Promise.all(appsOf(tree, input.env).map((app) => lookAt(run, app).catch((error: unknown) => failed(app, error))));
  const apps = await Promise.all(looked.map(async (a) => report(
    'head' in a ? await run.clusters.run(a.clusters, () => release(run, a)).catch((error: unknown) => failed(a.app, error)) : a,
  )));
  return {
    env: input.env, branch: settings.branch, parallelism, dryRun: input.dryRun ?? false,
    ...(settings.channel ? { channel: settings.channel } : {}),
    apps, durationMs: deps.wallClock.now() - started,
  };
}

/** An app whose branch moved: what its release needs. */
interface Moved {
  app: string;
  clusters: string[];
  latest: ReleaseSummary | undefined;
  head: ResolvedRef;
}

/** What an app's outcome is without releasing it, or that it moved. */
async function lookAt(run: Run, app: string): Promise<TrackedApp | Moved> {
  const { deps, input: { env } } = run;
  const { config } = appConfig(run.tree, app, env);
  if (config.is_enabled === false) return { app, outcome: TrackedOutcome.Skipped, skip: { reason: SkipReason.Disabled }, message: `${app} is disabled in ${env} (is_enabled: false)` };
  const origin = config.git?.origin;
  if (!origin) return { app, outcome: TrackedOutcome.Failed, message: `${app} has no git.origin in its config: nowhere to follow ${run.branch} from` };
  const head = await run.lookups.run(['lookup'], () => deps.source.resolveRemote(origin, run.branch));
  // The history is read one operation at a time: an unchanged app costs it one read, not two.
  const [latest] = await deps.history.list(app, env, 1);
  const recorded = latest ? { sha: latest.sha, previous: latest.sha } : {};
  if (latest?.sha === head.sha) return { app, outcome: TrackedOutcome.Unchanged, ...recorded, message: `${app} runs ${run.branch} at ${short(head.sha)} already` };
  const pin = await deps.history.getPin(app, env);
  if (pin) {
    return { app, outcome: TrackedOutcome.Skipped, ...recorded, skip: { reason: SkipReason.Pinned, by: pin.by, why: pin.reason, at: pin.at }, message: `${app} is pinned in ${env} by ${pin.by}: ${pin.reason}` };
  }
  if (run.input.dryRun) return { app, outcome: TrackedOutcome.Moved, sha: head.sha, ...(latest ? { previous: latest.sha } : {}), message: `${app} would move ${movement(latest, head)}` };
  return { app, clusters: (config.deployments?.kubernetes ?? []).map((c) => c.cluster_name), latest, head };
}

async function release(run: Run, { app, latest, head }: Moved): Promise<TrackedApp> {
  const { deps, ctx, input } = run;
  const previous = latest ? { previous: latest.sha } : {};
  if (ctx.signal?.aborted) return { app, outcome: TrackedOutcome.Skipped, ...previous, skip: { reason: SkipReason.Stopped }, message: `${app} was not released: the run was stopped` };
  // One job id per app and run: the same run taken over after a crash records each app once.
  const appCtx: ReleaseContext = { user: ctx.user, jobId: `${ctx.jobId}.${app}`, onEvent: () => undefined };
  const started = deps.wallClock.now();
  let result: ReleaseResult;
  try {
    result = await deploy(run.deps, appCtx, { app, env: input.env, ref: run.branch, trigger: 'schedule' });
  } catch (error) {
    if (isNestorError(error) && error.code === ErrorCode.Locked && error.detail.holder !== undefined) {
      return { app, outcome: TrackedOutcome.Skipped, ...previous, skip: { reason: SkipReason.Busy, by: String(error.detail.holder) }, message: error.message };
    }
    return { ...failed(app, error), sha: head.sha, ...previous };
  }
  input.afterDeploy?.(result, appCtx, started);
  if (result.outcome === ReleaseOutcome.Released) {
    return { app, outcome: TrackedOutcome.Released, sha: result.sha ?? head.sha, ...previous, message: result.message, result };
  }
  return { app, outcome: TrackedOutcome.Failed, sha: result.attempted?.sha ?? result.sha ?? head.sha, ...previous, message: result.message, result };
}

function failed(app: string, error: unknown): TrackedApp {
  return { app, outcome: TrackedOutcome.Failed, message: `${app}: ${error instanceof Error ? error.message : String(error)}` };
}

const short = (sha: string): string => sha.slice(0, 7);

function movement(latest: ReleaseSummary | undefined, head: ResolvedRef): string {
  return `${latest ? `from ${short(latest.sha)} ` : ''}to ${head.ref} at ${short(head.sha)}`;
}
