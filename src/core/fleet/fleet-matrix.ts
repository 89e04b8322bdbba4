// The web view's matrix, environments × apps: in each cell the version an app runs, when and by
// whom it was released, its pin, and whether it drifted from the environment it follows (its
// `release.version_sync.from`: the version a version sync would move it to differs), and whether
// its config is out of sync with its latest release (the merged config now, fingerprinted, against
// the fingerprint recorded with the release). Built from the config and the heads of every
// environment, asked all at once: the git history answers concurrent head reads with one read of
// the repository, and nothing is read per app (not even the app's repository: the fingerprint
// leaves out the Procfile and Cronfile, which do not change while the version does not). The live
// drift comes from the drift board workers publish (live-drift-board.ts), read at the same time in
// one round trip for every environment.
import { appConfig, appsOf, type ConfigTree } from '../config/index.js';
import { syncSettings } from '../config/sync-settings.js';
import type { Environment } from '../config/resolve-references.js';
import { configuredConfig } from '../render/index.js';
import { configFingerprint } from '../release/run-release.js';
import type { AppHistoryHead, Pin, ReleaseHistory, ReleaseSummary } from '../ports/release-history.js';
import type { DriftBoard, DriftEntry } from '../ports/drift-board.js';
import { staleBefore, staleness } from './live-drift-board.js';

export interface MatrixCell {
  /** The latest release; none when the app was never released in the environment. */
  release?: ReleaseSummary;
  /** Milliseconds since the release. */
  ageMs?: number;
  pin?: Pin;
  disabled: boolean;
  /** The environment followed runs another version: its name and that version. */
  drift?: { from: string; sha?: string };
  /**
   * The merged config now differs from the one the latest release was recorded with (what a
   * config sync would release). Unset when the release recorded no fingerprint (older releases).
   */
  configOutOfSync?: true;
  /** Why the config now could not be compared (a `$NAME` value missing, ...). */
  configProblem?: string;
  /** Released apps, when the matrix reads a drift board: how a worker last saw its live objects. */
  live?: LiveDriftCell;
}

export interface LiveDriftCell {
  /** None: no worker has read the app's live objects since the board began (not checked). */
  entry?: DriftEntry;
  /** Why the entry no longer tells how the app stands (old, or older than the latest release). */
  stale?: string;
}

export interface MatrixEnvironment {
  name: string;
  /** The environment whose versions this one follows (version sync), if any. */
  follows?: string;
}

export interface FleetMatrix {
  environments: MatrixEnvironment[];
  /** Every app of any environment, by name. */
  apps: string[];
  /** `cells.get(app)?.get(env)`: absent where the app has no config in the environment. */
  cells: Map<string, Map<string, MatrixCell>>;
  /** Environments whose history could not be read, with why. */
  problems: Map<string, string>;
  /** Why the drift board could not be read (then no cell has `live`). */
  liveProblem?: string;
}

export interface FleetMatrixDeps {
  history: Pick<ReleaseHistory, 'headsOf'>;
  /** For `$NAME` values, as the release resolved them. */
  environment: Environment;
  /** The live drift workers published; absent: no cell has `live`. */
  drift?: Pick<DriftBoard, 'read'>;
}

type BoardRead = { boards: Map<string, Map<string, DriftEntry>> } | { error: string } | undefined;

export async function fleetMatrix(deps: FleetMatrixDeps, tree: ConfigTree, envs: readonly string[], now: number): Promise<FleetMatrix> {
  const environments = envs.map((name): MatrixEnvironment => {
    const follows = syncSettings(tree, name).versionSync?.from;
    return { name, ...(follows ? { follows } : {}) };
  });
  const appsByEnv = new Map(envs.map((env) => [env, appsOf(tree, env)]));
  // Asked together: one read of the history answers them all.
  const reads = new Map([...appsByEnv].map(([env, apps]) => [env, deps.history.headsOf(env, apps).then((heads) => ({ heads }), (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))]));
  const followed = environments.flatMap((e) => (e.follows && !appsByEnv.has(e.follows) ? [e.follows] : []));
  for (const env of new Set(followed)) reads.set(env, deps.history.headsOf(env).then((heads) => ({ heads }), (error: unknown) => ({ error: String(error) })));
  const board: Promise<BoardRead> = deps.drift
    ? deps.drift.read(envs).then((boards) => ({ boards }), (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
    : Promise.resolve(undefined);
  const results = new Map(await Promise.all([...reads].map(async ([env, read]) => [env, await read] as const)));
  const live = await board;
  const headsIn = (env: string): Map<string, AppHistoryHead> | undefined => {
    const result = results.get(env);
    return result && 'heads' in result ? result.heads : undefined;
  };

  const problems = new Map<string, string>();
  const cells = new Map<string, Map<string, MatrixCell>>();
  for (const { name: env, follows } of environments) {
    const result = results.get(env);
    if (result && 'error' in result) problems.set(env, result.error);
    const heads = headsIn(env);
    const boardOf = live && 'boards' in live ? { entries: live.boards.get(env), staleFrom: staleBefore(tree, env, now) } : undefined;
    for (const app of appsByEnv.get(env) ?? []) {
      const { latest, pin } = heads?.get(app) ?? {};
      const disabled = appConfig(tree, app, env).config.is_enabled === false;
      const source = follows ? headsIn(follows)?.get(app)?.latest : undefined;
      const drifted = follows !== undefined && source !== undefined && source.sha !== latest?.sha;
      const cell: MatrixCell = {
        disabled,
        ...(latest ? { release: latest, ageMs: Math.max(0, now - Date.parse(latest.at)) } : {}),
        ...(pin ? { pin } : {}),
        ...(drifted ? { drift: { from: follows, sha: source.sha } } : {}),
        ...(latest?.configFingerprint && !disabled ? configState(deps, tree, app, env, latest.configFingerprint) : {}),
        ...(latest && boardOf ? { live: liveCell(boardOf.entries?.get(app), boardOf.staleFrom, latest.at) } : {}),
      };
      let row = cells.get(app);
      if (!row) cells.set(app, (row = new Map()));
      row.set(env, cell);
    }
  }
  return { environments, apps: [...cells.keys()].sort(), cells, problems, ...(live && 'error' in live ? { liveProblem: live.error } : {}) };
}

function liveCell(entry: DriftEntry | undefined, staleFrom: number, releasedAt: string): LiveDriftCell {
  if (!entry) return {};
  const stale = staleness(entry, staleFrom, releasedAt);
  return { entry, ...(stale ? { stale } : {}) };
}

/**
 * Fingerprints of the config now, per loaded tree and environment of values: the config source
 * gives back the same tree while the config's commit is unchanged, so a page shown again does
 * not merge and resolve 25 × 130 configs again (about a second and a half).
 */
const fingerprints = new WeakMap<ConfigTree, WeakMap<Environment, Map<string, string | Error>>>();

function fingerprintNow(deps: FleetMatrixDeps, tree: ConfigTree, app: string, env: string): string | Error {
  let byEnvironment = fingerprints.get(tree);
  if (!byEnvironment) fingerprints.set(tree, (byEnvironment = new WeakMap()));
  let known = byEnvironment.get(deps.environment);
  if (!known) byEnvironment.set(deps.environment, (known = new Map()));
  const key = `${env}/${app}`;
  let found = known.get(key);
  if (found === undefined) {
    try {
      found = configFingerprint(configuredConfig(appConfig(tree, app, env), deps.environment));
    } catch (error) {
      found = error instanceof Error ? error : new Error(String(error));
    }
    known.set(key, found);
  }
  return found;
}

function configState(deps: FleetMatrixDeps, tree: ConfigTree, app: string, env: string, recorded: string): Pick<MatrixCell, 'configOutOfSync' | 'configProblem'> {
  const now = fingerprintNow(deps, tree, app, env);
  if (now instanceof Error) return { configProblem: now.message };
  return now === recorded ? {} : { configOutOfSync: true };
}
