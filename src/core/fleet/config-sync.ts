// `nestor sync config <env>` and the `config-sync` schedule: in an environment that opts in
// (`release.config_sync`), every enabled app whose merged config changed since its last release
// (a change in staging/project.yaml inherited by dev3, in dev3/apps/mary.yaml, ...) has its
// running version released again with the current config: the pipeline of a config change's
// release (render, apply, rollout, auto-rollback and pin, history), under the app's lock. Pinned
// apps are left alone and listed. What changed is told as the keys that differ (config-sync-state.ts).
import { appConfig, appsOf } from '../config/index.js';
import { syncSettings } from '../config/sync-settings.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { LoadedConfig } from '../ports/config-source.js';
import { whileLocked } from '../release/locked.js';
import { versionOf, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from '../release/release-deps.js';
import { runRelease } from '../release/run-release.js';
import { configOutOfSync, type ConfigKeyChange, type ConfigSyncState } from './config-sync-state.js';
import { clustersOf, fleetSettings, pinnedApp, runOverApps, SkipReason, TrackedOutcome, type Due, type FleetRun, type SyncInput, type TrackedApp } from './fleet-run.js';

/** `FOO: a → b`, `+ BAR = on`, `- Deployment/mary-worker`. */
export function changeLine(c: ConfigKeyChange): string {
  if (c.change === 'added') return `+ ${c.key}${c.after === undefined ? '' : ` = ${c.after}`}`;
  if (c.change === 'removed') return `- ${c.key}${c.before === undefined ? '' : ` (was ${c.before})`}`;
  return `~ ${c.key}: ${c.before ?? ''} → ${c.after ?? ''}`;
}

/** The changed keys in a commit subject: names only, never values. */
function keysSummary(changes: readonly ConfigKeyChange[]): string {
  const names = changes.map((c) => c.key);
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ') || 'the config';
}

export async function syncConfig(deps: ReleaseDeps, ctx: ReleaseContext, input: SyncInput): Promise<FleetRun> {
  const started = deps.wallClock.now();
  const loaded = await deps.config.load();
  const { tree } = loaded;
  const { env } = input;
  const settings = fleetSettings(tree, env, 'a config sync');
  if (!syncSettings(tree, env).configSync) {
    throw new NestorError(ErrorCode.BadInput, `${env} does not sync its config: set release: { config_sync: true } in ${env}/project.yaml`);
  }
  const parallelism = input.parallelism ?? settings.parallelism;
  const names = appsOf(tree, env);
  // Where every app stands (its latest release, its pin), read once for them all.
  const heads = await deps.history.headsOf(env, names);
  const look = async (app: string): Promise<TrackedApp | Due> => {
    const { config } = appConfig(tree, app, env);
    if (config.is_enabled === false) return { app, outcome: TrackedOutcome.Skipped, skip: { reason: SkipReason.Disabled }, message: `${app} is disabled in ${env} (is_enabled: false)` };
    const { latest, pin } = heads.get(app) ?? {};
    if (!latest) return { app, outcome: TrackedOutcome.Unchanged, message: `${app} has no release in ${env} yet` };
    const state = await configOutOfSync(deps, app, env, { loaded });
    const running = state.running;
    // Nothing runs: nothing to release again (its first deploy takes the config as it is).
    if (!running) return { app, outcome: TrackedOutcome.Unchanged, message: state.notRunning ?? `${app} has no release in ${env}` };
    const recorded = { sha: running.version.sha, previous: running.version.sha };
    if (!state.outOfSync) return { app, outcome: TrackedOutcome.Unchanged, ...recorded, message: `${app}'s config in ${env} is as released` };
    const details = state.changes.map(changeLine);
    if (pin) return { ...pinnedApp(app, env, pin, recorded), details };
    if (input.dryRun) return { app, outcome: TrackedOutcome.Moved, ...recorded, details, message: `${app} would be released again with ${keysSummary(state.changes)} changed` };
    return { app, clusters: clustersOf(config), ...recorded, details, release: (fleetDeps, appCtx) => releaseWithConfig(fleetDeps, appCtx, loaded, state) };
  };
  const apps = await runOverApps(deps, ctx, names, look, {
    parallelism, ...(input.onApp ? { onApp: input.onApp } : {}), ...(input.afterRelease ? { afterRelease: input.afterRelease } : {}),
  });
  return {
    env, title: `${env} config sync`, parallelism, dryRun: input.dryRun ?? false,
    ...(settings.channel ? { channel: settings.channel } : {}), apps, durationMs: deps.wallClock.now() - started,
  };
}

/** The running version released again with the config now, under the app's lock (a pin set meanwhile stops it). */
function releaseWithConfig(deps: ReleaseDeps, ctx: ReleaseContext, loaded: LoadedConfig, state: ConfigSyncState): Promise<ReleaseResult> {
  const { app, env } = state;
  const running = state.running!;
  return whileLocked(deps, ctx, app, env, `config sync of ${app}`, async () => {
    const pin = await deps.history.getPin(app, env);
    if (pin) throw new NestorError(ErrorCode.BadInput, `${app} is pinned in ${env} by ${pin.by} (${pin.reason}): \`nestor unpin ${app} ${env}\` first`);
    return runRelease(deps, ctx, {
      app, env, kind: 'config', loaded, merged: state.merged ?? appConfig(loaded.tree, app, env), version: running.version, previous: versionOf(running.version),
      ...(running.procfile === undefined ? {} : { procfile: running.procfile }),
      ...(running.cronfile === undefined ? {} : { cronfile: running.cronfile }),
      message: `config sync of ${app}@${running.version.sha.slice(0, 7)} in ${env}: ${keysSummary(state.changes)} by ${ctx.user}`,
    });
  });
}
