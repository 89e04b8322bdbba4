// `nestor sync versions <env>` and the `version-sync` schedule: every enabled app of an
// environment that opts in (`release.version_sync`) moves to the version its source environment
// runs (staging by default), by a deploy of that commit (the same pipeline as a person's deploy).
// Not moved: a pinned app, and an app a person deployed a branch of here less than `hold_hours`
// ago (their deploy is on purpose: it holds the app until then, or until `nestor unpin`). Both are
// listed with who and why.
import { appConfig, appsOf } from '../config/index.js';
import { syncSettings, type VersionSyncSettings } from '../config/sync-settings.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { HoldEnd, ReleaseSummary } from '../ports/release-history.js';
import { deploy } from '../release/deploy.js';
import type { ReleaseContext, ReleaseDeps } from '../release/release-deps.js';
import { clustersOf, fleetSettings, pinnedApp, runOverApps, SkipReason, TrackedOutcome, type Due, type FleetRun, type SyncInput, type TrackedApp } from './fleet-run.js';

/** Releases that keep the version a deploy chose: they say nothing of who chose it. */
const RE_RELEASES: ReadonlySet<string> = new Set(['config', 'scale']);
/** How far back a deploy is looked for behind config changes and scales. */
const HISTORY_DEPTH = 20;

/** A deploy made by a person (not by a schedule), of a branch or tag (not of a bare commit, as the syncs deploy). */
export function isPersonsDeploy(release: ReleaseSummary): boolean {
  return release.kind === 'deploy' && !release.user.startsWith('schedule:') && release.ref !== undefined && release.ref !== release.sha;
}

function versionSyncOf(env: string, settings: { versionSync?: VersionSyncSettings }): VersionSyncSettings {
  if (settings.versionSync) return settings.versionSync;
  throw new NestorError(ErrorCode.BadInput, `${env} does not follow another environment's versions: set release: { version_sync: { from: staging } } in ${env}/project.yaml`);
}

export async function syncVersions(deps: ReleaseDeps, ctx: ReleaseContext, input: SyncInput): Promise<FleetRun> {
  const started = deps.wallClock.now();
  const { tree } = await deps.config.load();
  const { env } = input;
  const settings = fleetSettings(tree, env, 'a version sync');
  const sync = versionSyncOf(env, syncSettings(tree, env));
  const parallelism = input.parallelism ?? settings.parallelism;
  const names = appsOf(tree, env);
  // Where every app stands in both environments, read once; an app's own releases only when it would move.
  const [sources, heads] = await Promise.all([deps.history.headsOf(sync.from, names), deps.history.headsOf(env, names)]);
  const look = async (app: string): Promise<TrackedApp | Due> => {
    const { config } = appConfig(tree, app, env);
    if (config.is_enabled === false) return { app, outcome: TrackedOutcome.Skipped, skip: { reason: SkipReason.Disabled }, message: `${app} is disabled in ${env} (is_enabled: false)` };
    const source = sources.get(app)?.latest;
    const { latest, pin, holdEnded } = heads.get(app) ?? {};
    const recorded = latest ? { sha: latest.sha, previous: latest.sha } : {};
    if (!source) return { app, outcome: TrackedOutcome.Unchanged, ...recorded, message: `${app} has no release in ${sync.from} to follow` };
    if (latest?.sha === source.sha) return { app, outcome: TrackedOutcome.Unchanged, ...recorded, message: `${app} runs ${sync.from}'s ${short(source.sha)} already` };
    if (pin) return pinnedApp(app, env, pin, recorded);
    // Against the clock that dated the releases.
    const held = latest && holdOf(await deps.history.list(app, env, HISTORY_DEPTH), sync.holdHours, deps.clock.now(), holdEnded);
    if (held) {
      return {
        app, outcome: TrackedOutcome.Skipped, ...recorded,
        skip: { reason: SkipReason.Held, by: held.user, why: `deployed ${held.ref ?? short(held.sha)}`, at: held.at, until: held.until },
        message: `${app} is held in ${env} until ${held.until}: ${held.user} deployed ${held.ref ?? short(held.sha)} at ${held.at}`,
      };
    }
    const previous = latest ? { previous: latest.sha } : {};
    if (input.dryRun) return { app, outcome: TrackedOutcome.Moved, sha: source.sha, ...previous, message: `${app} would move ${latest ? `from ${short(latest.sha)} ` : ''}to ${sync.from}'s ${short(source.sha)}` };
    return {
      app, clusters: clustersOf(config), sha: source.sha, ...previous,
      release: (fleetDeps, appCtx) => deploy(fleetDeps, appCtx, { app, env, ref: source.sha, trigger: 'schedule' }),
    };
  };
  const apps = await runOverApps(deps, ctx, names, look, {
    parallelism, ...(input.onApp ? { onApp: input.onApp } : {}), ...(input.afterRelease ? { afterRelease: input.afterRelease } : {}),
  });
  return {
    env, title: `${env} follows ${sync.from}'s versions`, parallelism, dryRun: input.dryRun ?? false,
    ...(settings.channel ? { channel: settings.channel } : {}), apps, durationMs: deps.wallClock.now() - started,
  };
}

export type Hold = ReleaseSummary & { until: string };

/**
 * The person's deploy that decides the running version (behind config changes and scales), while
 * it holds: for `hold_hours` after it, unless `nestor unpin` ended the hold since it was made.
 */
function holdOf(releases: readonly ReleaseSummary[], holdHours: number, nowMs: number, ended: HoldEnd | undefined): Hold | undefined {
  const decisive = releases.find((r) => !RE_RELEASES.has(r.kind));
  if (!decisive || !isPersonsDeploy(decisive)) return undefined;
  if (ended && Date.parse(ended.at) >= Date.parse(decisive.at)) return undefined;
  const until = Date.parse(decisive.at) + holdHours * 3_600_000;
  return until > nowMs ? { ...decisive, until: new Date(until).toISOString() } : undefined;
}

/** What holds the app from the version sync of its environment now; none where the environment follows no other's versions. */
export async function holdNow(deps: Pick<ReleaseDeps, 'config' | 'history' | 'clock'>, app: string, env: string): Promise<Hold | undefined> {
  const { tree } = await deps.config.load();
  const sync = syncSettings(tree, env).versionSync;
  if (!sync) return undefined;
  const [releases, heads] = await Promise.all([deps.history.list(app, env, HISTORY_DEPTH), deps.history.headsOf(env, [app])]);
  return holdOf(releases, sync.holdHours, deps.clock.now(), heads.get(app)?.holdEnded);
}

const short = (sha: string): string => sha.slice(0, 7);
