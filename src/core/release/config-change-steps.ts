// The steps before a config change is committed: find the running version, edit the app file,
// and render the edited config exactly as the release will, so that a change that would not
// render is refused before anything is written anywhere.
import { appConfig, loadConfigTree, type ConfigFile, type ConfigTree, type MergedConfig } from '../config/index.js';
import { inheritedConfig } from '../config/edit-app-file.js';
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

export interface PreparedChange {
  path: string;
  plan: ChangePlan;
  /** Undefined when nothing runs yet (with `notRunning` saying why). */
  running?: RunningVersion;
  notRunning?: string;
  /** The file before and after the change. */
  current: string | undefined;
  next: string | undefined;
  /** The render of the changed config, as the release will do it (without secret values). */
  rendered: ConfiguredManifests;
}

export const appFilePath = (app: string, env: string): string => `${env}/apps/${app}.yaml`;

/** The commit author for a user: their name, and their address when the user is one. */
export function authorOf(user: string): ConfigAuthor {
  return /^[^@\s<>]+@[^@\s<>]+$/.test(user) ? { name: user, email: user } : { name: user, email: `${user.replace(/[^A-Za-z0-9._-]/g, '_')}@users.nestor.invalid` };
}

/** The tree with one file replaced (or added), loaded and validated again. */
export function treeWithFile(tree: ConfigTree, path: string, text: string | undefined): ConfigTree {
  if (text === undefined) return tree;
  const files = new Map<string, ConfigFile>();
  for (const node of tree.environments.values()) {
    files.set(node.project.file.path, node.project.file);
    for (const app of node.apps.values()) files.set(app.file.path, app.file);
  }
  for (const template of tree.templates.values()) files.set(template.path, template);
  files.set(path, { path, text });
  return loadConfigTree([...files.values()]);
}

/** A version that is only used to check that the config renders, when nothing runs yet. */
const NO_VERSION: ResolvedRef = { ref: 'config-check', sha: '0'.repeat(40), kind: RefKind.Sha };

export async function runningVersion(deps: ReleaseDeps, merged: MergedConfig, app: string, env: string): Promise<{ running?: RunningVersion; notRunning?: string }> {
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

/** Renders the app with the app file's new text in place; refusals say nothing was changed. */
export function renderWithFile(
  deps: ReleaseDeps, loaded: LoadedConfig, target: { app: string; env: string; path: string; what: string }, text: string | undefined, running: RunningVersion | undefined,
): ConfiguredManifests {
  try {
    return renderConfiguredApp({
      tree: treeWithFile(loaded.tree, target.path, text), templates: loaded.templates, app: target.app, env: target.env,
      environment: deps.environment, version: running?.version ?? NO_VERSION,
      ...(running?.procfile === undefined ? {} : { procfile: running.procfile }),
      ...(running?.cronfile === undefined ? {} : { cronfile: running.cronfile }),
    });
  } catch (error) {
    if (!isNestorError(error)) throw error;
    throw new NestorError(error.code, `${target.what} refused, nothing was committed or applied: ${error.userMessage}`, { cause: error, detail: error.detail });
  }
}

export async function prepareChange(
  deps: ReleaseDeps, target: { app: string; env: string; what: string }, plan: (input: PlanInput) => ChangePlan,
): Promise<PreparedChange & { loaded: LoadedConfig }> {
  const { app, env } = target;
  const loaded = await deps.config.load();
  const merged = appConfig(loaded.tree, app, env).config;
  const path = appFilePath(app, env);
  const changePlan = plan({ merged, inherited: inheritedConfig(loaded.tree, app, env), path });
  const { running, notRunning } = await runningVersion(deps, merged, app, env);
  const current = await deps.configRepo.readFile(path);
  const next = changePlan.edit(current);
  const rendered = renderWithFile(deps, loaded, { ...target, path }, next, running);
  changePlan.check?.(rendered);
  return { loaded, path, plan: changePlan, current, next, rendered, ...(running ? { running } : {}), ...(notRunning ? { notRunning } : {}) };
}
