// The sync report (`nestor report [<env>]`, `/nestor report`, the `report` schedule): per
// environment, every app with the version it runs, when and by whom it was released, its pin,
// its last failure, whether its live objects drifted from the recorded release (live-drift.ts)
// and whether its config is out of sync (config-sync-state.ts). Only reads: no lock, nothing
// applied or recorded. What cannot be read (a cluster down, an app's history) is reported as
// unknown beside the rest, never a failed report.
import { environmentPolicy, releaseChannel } from '../commands/environment-policy.js';
import { appConfig, appsOf, isDnsLabel, schedulesOf, type ConfigTree, type EnvironmentSchedule } from '../config/index.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { AppHistoryHead, Pin, Release, ReleaseHistory, ReleaseSummary } from '../ports/release-history.js';
import type { ScheduleRuns } from '../ports/schedules.js';
import type { ReleaseDeps } from '../release/release-deps.js';
import { schedulerId } from '../schedules/desired-schedulers.js';
import { lastRunText } from '../schedules/last-run-text.js';
import { configOutOfSync, type ConfigKeyChange } from './config-sync-state.js';
import { appDrift, errorText, LiveObjects, READS_AT_ONCE, type AppDrift } from './live-drift.js';
import { Slots } from './slots.js';

/** Releases of an app searched for its last failure. */
export const FAILURE_LOOKBACK = 20;
/** Apps whose drift and config are looked at once (cluster and source reads), whatever the environments. */
const APPS_AT_ONCE = 16;

export type SyncReportDeps = Pick<ReleaseDeps, 'config' | 'source' | 'clusters' | 'history' | 'environment' | 'wallClock'> & {
  /** The schedules' run records (a worker's Redis): the report then says which firings were skipped. */
  scheduleRuns?: Pick<ScheduleRuns, 'records'>;
};

export const ConfigState = { InSync: 'in-sync', OutOfSync: 'out-of-sync', Unknown: 'unknown' } as const;
export type ConfigState = (typeof ConfigState)[keyof typeof ConfigState];

export interface LastFailure {
  /** The history commit of the rollback that followed it. */
  commit: string;
  at: string;
  user: string;
  text: string;
}

export interface AppReport {
  app: string;
  disabled: boolean;
  /** The latest release; none when the app was never released here. */
  release?: ReleaseSummary;
  pin?: Pin;
  lastFailure?: LastFailure;
  /** Released apps only. */
  drift?: AppDrift;
  /** Released apps only. */
  config?: { state: ConfigState; changes: ConfigKeyChange[]; why?: string };
  /** What could not be read of the app (its history, its config): the rest of the report stands. */
  problem?: string;
}

export interface EnvReport {
  env: string;
  /** The environment's `slack.channels.info`. */
  channel?: string;
  apps: AppReport[];
  /** Schedules of the environment whose firings were skipped (their previous run still went on). */
  skippedFirings: string[];
}

export interface SyncReport {
  /** ISO-8601. */
  at: string;
  environments: EnvReport[];
  durationMs: number;
}

export interface SyncReportInput {
  /** One environment; every environment when omitted. */
  env?: string;
}

/** The environments asked for, checked; in name order. */
function environmentsOf(tree: ConfigTree, env: string | undefined): string[] {
  if (env === undefined) return [...tree.environments.keys()].sort();
  if (!isDnsLabel(env)) throw new NestorError(ErrorCode.BadInput, `invalid environment name "${env}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
  environmentPolicy(tree, env);
  return [env];
}

export async function syncReport(deps: SyncReportDeps, input: SyncReportInput = {}): Promise<SyncReport> {
  const started = deps.wallClock.now();
  const loaded = await deps.config.load();
  const envs = environmentsOf(loaded.tree, input.env);
  const shared = { deps: { ...deps, history: latestOnce(deps.history) }, loaded, apps: new Slots(APPS_AT_ONCE), clusterReads: new Slots(READS_AT_ONCE) };
  const environments = await Promise.all(envs.map((env) => envReport(shared, env)));
  return { at: new Date(started).toISOString(), environments, durationMs: deps.wallClock.now() - started };
}

interface Shared {
  deps: SyncReportDeps;
  loaded: LoadedConfig;
  apps: Slots;
  clusterReads: Slots;
}

async function envReport(shared: Shared, env: string): Promise<EnvReport> {
  const { deps, loaded } = shared;
  const live = new LiveObjects(deps.clusters, env, shared.clusterReads);
  const names = appsOf(loaded.tree, env);
  // Where every app stands, in one read: an app never released costs nothing more.
  const heads = deps.history.headsOf(env, names);
  const [apps, skippedFirings] = await Promise.all([
    Promise.all(names.map(async (app) => appReport(shared, live, app, env, await headOf(heads, app)))),
    skippedFiringsOf(deps, schedulesOf(loaded.tree, env)),
  ]);
  const channel = releaseChannel(loaded.tree, env);
  return { env, ...(channel ? { channel } : {}), apps, skippedFirings };
}

/** The app's head, or the error of the environment's read, for the app's report to tell. */
async function headOf(heads: Promise<Map<string, AppHistoryHead>>, app: string): Promise<AppHistoryHead | Error> {
  return heads.then((all) => all.get(app) ?? {}, (error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

async function appReport(shared: Shared, live: LiveObjects, app: string, env: string, head: AppHistoryHead | Error): Promise<AppReport> {
  const { deps, loaded } = shared;
  try {
    if (head instanceof Error) throw head;
    const merged = appConfig(loaded.tree, app, env).config;
    const { pin } = head;
    const base: AppReport = { app, disabled: merged.is_enabled === false, ...(pin ? { pin } : {}) };
    if (!head.latest) return base;
    // Not bounded: the history runs its reads one after the other on its clone, and reads asked
    // together share one fetch; asked a few at a time, each would wait for a fetch of its own.
    const [releases, release] = await Promise.all([deps.history.list(app, env, FAILURE_LOOKBACK), deps.history.get(app, env)]);
    const summary = releases[0];
    if (!summary || !release) return { ...base, ...(summary ? { release: summary } : {}) };
    const contexts = new Map((merged.deployments?.kubernetes ?? []).map((c) => [c.cluster_name, c.context ?? c.cluster_name]));
    const [drift, config] = await shared.apps.run(['apps'], () => Promise.all([appDrift(live, release, contexts), configState(deps, loaded, app, env)]));
    const lastFailure = lastFailureOf(releases, release);
    return { ...base, release: summary, ...(lastFailure ? { lastFailure } : {}), drift, config };
  } catch (error) {
    return { app, disabled: false, problem: errorText(error) };
  }
}

async function configState(deps: SyncReportDeps, loaded: LoadedConfig, app: string, env: string): Promise<NonNullable<AppReport['config']>> {
  try {
    const state = await configOutOfSync(deps, app, env, { loaded });
    return { state: state.outOfSync ? ConfigState.OutOfSync : ConfigState.InSync, changes: state.changes };
  } catch (error) {
    return { state: ConfigState.Unknown, changes: [], why: errorText(error) };
  }
}

/**
 * A failed rollout is recorded as the rollback that followed it (auto-rollback.ts: "rollback …
 * after failed deploy of …", its Reason trailer saying why); a failed first release is not recorded.
 */
export function isFailureRollback(summary: ReleaseSummary): boolean {
  return summary.kind === 'rollback' && / after failed /.test(summary.message);
}

function lastFailureOf(releases: readonly ReleaseSummary[], latest: Release): LastFailure | undefined {
  const failure = releases.find(isFailureRollback);
  if (!failure) return undefined;
  // The reason is in the record, read for the latest release only; an older one says its subject.
  const reason = failure.commit === latest.commit ? latest.record.trailers?.['Reason'] : undefined;
  return { commit: failure.commit, at: failure.at, user: failure.user, text: reason ?? failure.message };
}

async function skippedFiringsOf(deps: SyncReportDeps, schedules: readonly EnvironmentSchedule[]): Promise<string[]> {
  if (!deps.scheduleRuns || schedules.length === 0) return [];
  const records = await deps.scheduleRuns.records(schedules.map(schedulerId)).catch(() => new Map());
  return schedules.flatMap((s) => {
    const record = records.get(schedulerId(s));
    const skipped = (record?.skipped ?? 0) + (record?.last?.skippedBefore ?? 0);
    return skipped > 0 ? [`${s.name} (${s.kind}): ${lastRunText({ last: record?.last, skipped: record?.skipped ?? 0 })}`] : [];
  });
}

/**
 * The history with the latest release of each app read once: the drift and the config state both
 * need it, and each read is several git processes.
 */
function latestOnce(history: ReleaseHistory): ReleaseHistory {
  const latest = new Map<string, Promise<Release | undefined>>();
  const get: ReleaseHistory['get'] = (app, env, commit) => {
    if (commit !== undefined) return history.get(app, env, commit);
    const key = `${env}/${app}`;
    let read = latest.get(key);
    if (!read) latest.set(key, (read = history.get(app, env)));
    return read;
  };
  return new Proxy(history, {
    get: (target, key) => {
      if (key === 'get') return get;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
