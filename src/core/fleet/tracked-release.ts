// `nestor release-tracked <env>` and the `staging-release` schedule: every enabled app of the
// environment follows the branch the environment tracks (`release.tracks` in project.yaml,
// master by default). An app whose branch moved since its recorded release is deployed by the
// same pipeline as a person's deploy (auto-rollback and pin on a failed rollout included); an app
// that did not move costs one remote lookup, no clone and no render (the history is read once for
// all the apps, pins included, and a moved app is released as soon as its lookup finds it); one
// whose branch moved while it is pinned is skipped, with who pinned it and why. Each app is
// compared by sha with the release history, so a run stopped half-way (a worker killed) is
// completed by the next one and no app is released twice.
import { appConfig, appsOf, type ConfigTree } from '../config/index.js';
import { mergedProject } from '../config/merged-project.js';
import type { AppHistoryHead, ReleaseSummary } from '../ports/release-history.js';
import type { ResolvedRef } from '../ports/source-repo.js';
import { deploy } from '../release/deploy.js';
import { validateRef } from '../release/ref.js';
import type { ReleaseContext, ReleaseDeps } from '../release/release-deps.js';
import { clustersOf, fleetSettings, pinnedApp, runOverApps, SkipReason, TrackedOutcome, type Due, type FleetPipeline, type FleetSettings, type SyncInput, type TrackedApp } from './fleet-run.js';
import { trackedFleetRun } from './tracked-release-messages.js';
import { Slots } from './slots.js';

export const DEFAULT_TRACKED_BRANCH = 'master';
/** Remote lookups at once (each is a short `git ls-remote`), whatever the clusters. */
const LOOKUPS_AT_ONCE = 8;

export { SkipReason, TrackedOutcome, type Skip, type TrackedApp } from './fleet-run.js';

export interface TrackedReleaseInput extends Omit<SyncInput, 'afterRelease'> {
  /** After each deploy (released, rolled back or failed): where the release announcement goes. */
  afterDeploy?: SyncInput['afterRelease'];
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

export interface TrackedSettings extends FleetSettings {
  branch: string;
}

/** The environment's `release:` settings, merged down its project.yaml files; refused where releases need an approval. */
export function trackedSettings(tree: ConfigTree, env: string): TrackedSettings {
  const settings = fleetSettings(tree, env, 'a tracked release');
  return { ...settings, branch: validateRef(mergedProject(tree, env).release?.tracks ?? DEFAULT_TRACKED_BRANCH) };
}

interface Run {
  deps: ReleaseDeps;
  input: TrackedReleaseInput;
  tree: ConfigTree;
  branch: string;
  lookups: Slots;
  /** Every app's latest release and pin, read once for the run. */
  heads: Promise<Map<string, AppHistoryHead>>;
}

export async function releaseTracked(deps: ReleaseDeps, ctx: ReleaseContext, input: TrackedReleaseInput): Promise<TrackedRelease> {
  const started = deps.wallClock.now();
  const { tree } = await deps.config.load();
  const settings = trackedSettings(tree, input.env);
  const parallelism = input.parallelism ?? settings.parallelism;
  const names = appsOf(tree, input.env);
  // Read while the branches are looked up; a failed read fails each app, as a read per app would.
  const heads = deps.history.headsOf(input.env, names);
  heads.catch(() => undefined);
  const run: Run = { deps, input, tree, branch: settings.branch, lookups: new Slots(LOOKUPS_AT_ONCE), heads };
  const apps = await runOverApps(deps, ctx, names, (app) => lookAt(run, app), {
    parallelism, releaseAsFound: true, ...(input.onApp ? { onApp: input.onApp } : {}), ...(input.afterDeploy ? { afterRelease: input.afterDeploy } : {}),
  });
  return {
    env: input.env, branch: settings.branch, parallelism, dryRun: input.dryRun ?? false,
    ...(settings.channel ? { channel: settings.channel } : {}),
    apps, durationMs: deps.wallClock.now() - started,
  };
}

/** What an app's outcome is without releasing it, or that it moved and how to release it. */
async function lookAt(run: Run, app: string): Promise<TrackedApp | Due> {
  const { deps, input: { env } } = run;
  const { config } = appConfig(run.tree, app, env);
  if (config.is_enabled === false) return { app, outcome: TrackedOutcome.Skipped, skip: { reason: SkipReason.Disabled }, message: `${app} is disabled in ${env} (is_enabled: false)` };
  const origin = config.git?.origin;
  if (!origin) return { app, outcome: TrackedOutcome.Failed, message: `${app} has no git.origin in its config: nowhere to follow ${run.branch} from` };
  const head = await run.lookups.run(['lookup'], () => deps.source.resolveRemote(origin, run.branch));
  const { latest, pin } = (await run.heads).get(app) ?? {};
  const recorded = latest ? { sha: latest.sha, previous: latest.sha } : {};
  if (latest?.sha === head.sha) return { app, outcome: TrackedOutcome.Unchanged, ...recorded, message: `${app} runs ${run.branch} at ${short(head.sha)} already` };
  if (pin) return pinnedApp(app, env, pin, recorded);
  const previous = latest ? { previous: latest.sha } : {};
  if (run.input.dryRun) return { app, outcome: TrackedOutcome.Moved, sha: head.sha, ...previous, message: `${app} would move ${movement(latest, head)}` };
  return {
    app, clusters: clustersOf(config), sha: head.sha, ...previous,
    release: (fleetDeps, appCtx) => deploy(fleetDeps, appCtx, { app, env, ref: run.branch, trigger: 'schedule' }),
  };
}

const short = (sha: string): string => sha.slice(0, 7);

function movement(latest: ReleaseSummary | undefined, head: ResolvedRef): string {
  return `${latest ? `from ${short(latest.sha)} ` : ''}to ${head.ref} at ${short(head.sha)}`;
}

/** The staging release as a fleet pipeline, the syncs' shape (`afterRelease` runs after each deploy). */
export const releaseTrackedRun: FleetPipeline = async (deps, ctx, { afterRelease, ...input }) =>
  trackedFleetRun(await releaseTracked(deps, ctx, { ...input, ...(afterRelease ? { afterDeploy: afterRelease } : {}) }));
