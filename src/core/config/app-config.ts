// One app in one environment: its layers, their merge, and the checks that only make sense
// once every layer is applied.
import { closest } from 'fastest-levenshtein';
import { ConfigError, ErrorCode, NestorError, type ConfigProblem } from '../errors.js';
import { isPlainObject, type ParsedFile } from './config-file.js';
import { ancestry, appsOf, isDnsLabel, type ConfigTree } from './config-tree.js';
import { mergeLayers, mergeOnto, pathKey, type Origins } from './merge.js';
import { positionOf } from './positions.js';
import { REQUIRED_AFTER_MERGE } from './schema-constants.js';
import type { MergedConfig } from './schema.js';
import { variablesSizeProblems } from './variables-size.js';

export interface AppConfig {
  app: string;
  env: string;
  config: MergedConfig;
  /** Lowest precedence first: every project.yaml from the root down, then every apps/<app>.yaml. */
  layers: ParsedFile[];
}

function didYouMean(name: string, candidates: string[]): string {
  return candidates.length ? `; did you mean "${closest(name, candidates)}"?` : '';
}

function checkName(kind: 'app' | 'environment', name: string): void {
  if (!isDnsLabel(name)) {
    throw new NestorError(ErrorCode.BadInput, `invalid ${kind} name "${name}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
  }
}

export function layersOf(tree: ConfigTree, app: string, env: string): ParsedFile[] {
  checkName('app', app);
  checkName('environment', env);
  if (!tree.environments.has(env)) {
    throw new NestorError(ErrorCode.ConfigNotFound, `unknown environment "${env}"${didYouMean(env, [...tree.environments.keys()])}`);
  }
  const chain = ancestry(tree, env);
  const apps = chain.flatMap((node) => {
    const file = node.apps.get(app);
    return file ? [file] : [];
  });
  if (apps.length === 0) {
    throw new NestorError(ErrorCode.ConfigNotFound, `unknown app "${app}" in environment "${env}"${didYouMean(app, appsOf(tree, env))}`);
  }
  return [...chain.map((node) => node.project), ...apps];
}

export function appConfig(tree: ConfigTree, app: string, env: string): AppConfig {
  const layers = layersOf(tree, app, env);
  return { app, env, layers, config: mergeLayers(layers) as MergedConfig };
}

/**
 * An app's config split at its own file in `env` (its last layer, when it has one): the other
 * layers merged once, so that a config change merges its current and its edited file on top of
 * them instead of merging the whole tree for each.
 */
export interface AppConfigBase {
  app: string;
  env: string;
  /** `<env>/apps/<app>.yaml` as loaded; undefined when the environment has no file for the app. */
  own: ParsedFile | undefined;
  /** Every other layer, lowest precedence first. */
  others: ParsedFile[];
  /** Their merge: what every other layer gives the app. */
  inherited: Record<string, unknown>;
}

export function appConfigBase(tree: ConfigTree, app: string, env: string): AppConfigBase {
  const layers = layersOf(tree, app, env);
  const own = tree.environments.get(env)?.apps.get(app);
  const others = layers.filter((layer) => layer !== own);
  return { app, env, own, others, inherited: mergeLayers(others) };
}

/** The app's config with `own` as its file in the environment (undefined: none), merged onto the base. */
export function appConfigWith(base: AppConfigBase, own: ParsedFile | undefined): AppConfig {
  const top = own ? [own] : [];
  return { app: base.app, env: base.env, layers: [...base.others, ...top], config: mergeOnto(base.inherited, top) as MergedConfig };
}

/** Where every merged value came from (recomputed: the hot path merges without it). */
export function originsOf(config: AppConfig): Origins {
  const origins: Origins = new Map();
  mergeLayers(config.layers, origins);
  return origins;
}

/** A problem about a merged value, placed in the file that set it (or the environment's files). */
export function problemAtValue(config: AppConfig, origins: Origins, path: string[], message: string): ConfigProblem {
  const file = origins.get(pathKey(path)) ?? config.layers[config.layers.length - 1]!;
  const pos = positionOf(file, file.file.text, path);
  return { file: file.file.path, ...pos, keyPath: path.join('.'), message };
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) node = isPlainObject(node) ? node[segment] : undefined;
  return node;
}

function scaleProblems(config: AppConfig, origins: () => Origins): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (path: string[], scale: unknown) => {
    if (!isPlainObject(scale)) return;
    const { minReplicas: min, maxReplicas: max } = scale as { minReplicas?: number; maxReplicas?: number };
    if (min !== undefined && max !== undefined && min > max) {
      problems.push(problemAtValue(config, origins(), [...path, 'maxReplicas'], `maxReplicas ${max} is below minReplicas ${min}`));
    }
  };
  for (const [process, scale] of Object.entries(config.config.scales ?? {})) check(['scales', process], scale);
  return problems;
}

function clusterProblems(config: AppConfig, origins: () => Origins): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  (config.config.deployments?.kubernetes ?? []).forEach((cluster, i) => {
    if (seen.has(cluster.cluster_name)) {
      problems.push(problemAtValue(config, origins(), ['deployments', 'kubernetes'], `cluster "${cluster.cluster_name}" is listed twice (entry ${i + 1})`));
    }
    seen.add(cluster.cluster_name);
  });
  return problems;
}

/** Checks that need every layer applied: required keys, cross-field rules. */
export function checkMerged(config: AppConfig): ConfigProblem[] {
  let cached: Origins | undefined;
  const origins = () => (cached ??= originsOf(config));
  const envProject = config.layers.find((l) => l.file.path.startsWith(`${config.env}/project.`))!;
  const problems: ConfigProblem[] = [];
  for (const required of REQUIRED_AFTER_MERGE) {
    if (valueAt(config.config, required.path) !== undefined) continue;
    problems.push({
      file: envProject.file.path, line: 1, col: 1, keyPath: required.path.join('.'),
      message: `missing "${required.path.join('.')}" for app ${config.app}: set it in this ${required.where} or an ancestor's`,
    });
  }
  const at = (path: string[], message: string) => problemAtValue(config, origins(), path, message);
  return [...problems, ...scaleProblems(config, origins), ...clusterProblems(config, origins), ...variablesSizeProblems(config, at)];
}

/** Every app in every environment, merged and checked; problems are deduplicated. */
export function validateTree(tree: ConfigTree): ConfigProblem[] {
  const seen = new Map<string, ConfigProblem>();
  for (const env of tree.environments.keys()) {
    for (const app of appsOf(tree, env)) {
      for (const p of checkMerged(appConfig(tree, app, env))) seen.set(`${p.file}:${p.line}:${p.col}:${p.message}`, p);
    }
  }
  return [...seen.values()];
}

export function assertValid(config: AppConfig): void {
  const problems = checkMerged(config);
  if (problems.length > 0) throw new ConfigError(problems);
}
