// The steps before a config change is committed: find the running version, edit the app file,
// and render the edited config exactly as the release will, so that a change that would not
// render is refused before anything is written anywhere. The config is loaded once per job and
// the app's other layers merged once: the current and the edited app file are merged on top.
import { ancestry, loadConfigTree, type AppConfig, type ConfigTree, type MergedConfig } from '../config/index.js';
import { appConfigBase, appConfigWith, type AppConfigBase } from '../config/app-config.js';
import { ErrorCode, NestorError, isNestorError } from '../errors.js';
import type { ConfigAuthor } from '../ports/config-repo.js';
import type { LoadedConfig } from '../ports/config-source.js';
import { RefKind, type ResolvedRef } from '../ports/source-repo.js';
import { renderConfiguredApp, type ConfiguredManifests } from '../render/index.js';
import type { ReleaseDeps } from './release-deps.js';
import type { SecretValues } from './secret-input.js';

/** The version a config change re-releases: the latest recorded release of the app there. */
export interface RunningVersion {
  version: ResolvedRef;
  procfile?: string;
  cronfile?: string;
  /** The config hash that release was rendered with. */
  configHash: string;
}

/** What a change does, decided once the current config is known. */
export interface ChangePlan {
  /** The app file's new text from its current text (undefined: no file, and none needed). Pure. */
  edit: (text: string | undefined) => string | undefined;
  /** More checks on the render of the changed config (scale: the processes exist). */
  check?: (rendered: ConfiguredManifests) => void;
  /** Values written to the app's Secret before the commit. */
  putSecrets?: SecretValues;
  /** Keys taken out of the app's Secret once the change is released (or committed, with no release). */
  removeSecretKeys?: string[];
  /** A command that undoes the change, for when its release fails. */
  undo?: string;
  /** Told to the user once the change is released. */
  warnings?: string[];
}

export interface PlanInput {
  merged: MergedConfig;
  inherited: Partial<MergedConfig>;
  /** `<env>/apps/<app>.yaml` */
  path: string;
}

/** The config a change releases: the tree with the app file's new text, the app's merge and its render (without secret values). */
export interface ChangedConfig {
  loaded: LoadedConfig;
  merged: AppConfig;
  rendered: ConfiguredManifests;
}

export interface PreparedChange {
  path: string;
  plan: ChangePlan;
  /** Undefined when nothing runs yet (with `notRunning` saying why). */
  running?: RunningVersion;
  notRunning?: string;
  /** The file before and after the change. */
  current: string | undefined;
  next: string | undefined;
  /** The config as the job loaded it, and the app's other layers merged once (for every version of its file). */
  loaded: LoadedConfig;
  base: AppConfigBase;
  /** The changed config, checked: what the release releases (unless another writer changes the file meanwhile). */
  changed: ChangedConfig;
}

export const appFilePath = (app: string, env: string): string => `${env}/apps/${app}.yaml`;

/** The commit author for a user: their name, and their address when the user is one. */
export function authorOf(user: string): ConfigAuthor {
  return /^[^@\s<>]+@[^@\s<>]+$/.test(user) ? { name: user, email: user } : { name: user, email: `${user.replace(/[^A-Za-z0-9._-]/g, '_')}@users.nestor.invalid` };
}

const APP_FILE = /^([^/]+)\/apps\/([^/]+)\.ya?ml$/;

/** The tree with one app file (`<env>/apps/<app>.yaml`) replaced or added: that file parsed and checked as a load does, the rest as loaded. */
export function treeWithFile(tree: ConfigTree, path: string, text: string | undefined): ConfigTree {
  if (text === undefined) return tree;
  const [, env = '', app = ''] = APP_FILE.exec(path) ?? [];
  const node = tree.environments.get(env);
  if (!node) throw new NestorError(ErrorCode.ConfigNotFound, `${path} is not the file of an app in an environment of nestor-config`);
  // With its environment's project and app files, so that it loads as it would in the whole tree
  // (a datastore merges across the app files of the ancestry), and what a load checks across
  // environments: every project.yaml and every app file declaring datastores (a datastore-nightly
  // schedule needs an environment resetting from it, wherever that is declared).
  const inAncestry = new Set(ancestry(tree, env).map((n) => n.name));
  const others = [...tree.environments.values()]
    .flatMap((n) => [n.project.file, ...[...n.apps.values()].filter((a) => inAncestry.has(n.name) || a.data.datastores !== undefined).map((a) => a.file)])
    .filter((f) => f.path !== path);
  const alone = loadConfigTree([...others, { path, text }]);
  const file = alone.environments.get(env)!.apps.get(app)!;
  return { environments: new Map(tree.environments).set(env, { ...node, apps: new Map(node.apps).set(app, file) }), templates: tree.templates };
}

/** A version that is only used to check that the config renders, when nothing runs yet. */
const NO_VERSION: ResolvedRef = { ref: 'config-check', sha: '0'.repeat(40), kind: RefKind.Sha };

export async function runningVersion(deps: Pick<ReleaseDeps, 'history' | 'source'>, merged: MergedConfig, app: string, env: string): Promise<{ running?: RunningVersion; notRunning?: string }> {
  const last = await deps.history.get(app, env);
  if (!last) return { notRunning: `${app} has no release in ${env} yet` };
  if (merged.is_enabled === false) return { notRunning: `${app} is disabled in ${env} (is_enabled: false)` };
  const origin = merged.git?.origin;
  if (!origin) throw new NestorError(ErrorCode.BadInput, `${app} has no git.origin in its config: can't read the Procfile of the running version`);
  const [procfile, cronfile] = await Promise.all([deps.source.readFile(origin, last.sha, 'Procfile'), deps.source.readFile(origin, last.sha, 'Cronfile')]);
  return {
    running: {
      version: { ref: last.ref ?? last.sha, sha: last.sha, kind: RefKind.Sha },
      ...(procfile === undefined ? {} : { procfile }),
      ...(cronfile === undefined ? {} : { cronfile }),
      configHash: last.record.configHash,
    },
  };
}

/**
 * The app's config with the app file's new text in place (undefined: as loaded), merged onto the
 * base and rendered as the release will render it; refusals say nothing was changed.
 */
export function configWithFile(
  deps: ReleaseDeps, prepared: Pick<PreparedChange, 'loaded' | 'base' | 'path' | 'running'>, target: { what: string }, text: string | undefined,
): ChangedConfig {
  const { loaded, base, path, running } = prepared;
  const { app, env } = base;
  try {
    const tree = treeWithFile(loaded.tree, path, text);
    const merged = appConfigWith(base, text === undefined ? base.own : tree.environments.get(env)?.apps.get(app));
    const rendered = renderConfiguredApp({
      tree, templates: loaded.templates, app, env, merged, environment: deps.environment, version: running?.version ?? NO_VERSION,
      ...(running?.procfile === undefined ? {} : { procfile: running.procfile }),
      ...(running?.cronfile === undefined ? {} : { cronfile: running.cronfile }),
    });
    return { loaded: { tree, templates: loaded.templates }, merged, rendered };
  } catch (error) {
    if (!isNestorError(error)) throw error;
    throw new NestorError(error.code, `${target.what} refused, nothing was committed or applied: ${error.userMessage}`, { cause: error, detail: error.detail });
  }
}

/** Loads the config once and merges the app's other layers once; the current and the changed file go on top. */
export async function prepareChange(
  deps: ReleaseDeps, target: { app: string; env: string; what: string }, plan: (input: PlanInput) => ChangePlan,
): Promise<PreparedChange> {
  const { app, env } = target;
  const loaded = await deps.config.load();
  const base = appConfigBase(loaded.tree, app, env);
  const merged = appConfigWith(base, base.own).config;
  const path = appFilePath(app, env);
  const changePlan = plan({ merged, inherited: base.inherited as Partial<MergedConfig>, path });
  const { running, notRunning } = await runningVersion(deps, merged, app, env);
  const current = await deps.configRepo.readFile(path);
  const next = changePlan.edit(current);
  const found = { loaded, base, path, ...(running ? { running } : {}) };
  const changed = configWithFile(deps, found, target, next);
  changePlan.check?.(changed.rendered);
  return { ...found, plan: changePlan, current, next, changed, ...(notRunning ? { notRunning } : {}) };
}
