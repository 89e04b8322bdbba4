// The nestor-config layout: one folder per environment, `project.yaml` and `apps/<app>.yaml`
// in each, `templates/` for overrides. Parsing and per-file validation happen here, once.
import { closest } from 'fastest-levenshtein';
import { alertRoutingProblems } from './alert-routing-settings.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { ConfigFile, ParsedFile } from './config-file.js';
import { scheduleProblems } from './environment-schedules.js';
import { datastoreProblems } from './datastore-settings.js';
import { syncProblems } from './sync-settings.js';
import { workflowProblems } from './workflow-settings.js';
import { parseFile } from './parse-file.js';
import { positionOf } from './positions.js';
import { isDnsLabel } from './schema-constants.js';
import { validateFile } from './validate-file.js';
import { compareText } from '../text/compare-text.js';

export interface EnvironmentNode {
  name: string;
  parent: string | undefined;
  project: ParsedFile;
  apps: Map<string, ParsedFile>;
}

export interface ConfigTree {
  environments: Map<string, EnvironmentNode>;
  /** Template overrides from `templates/`, by file name. */
  templates: Map<string, ConfigFile>;
}

export { isDnsLabel };

type Placed = { kind: 'project'; env: string } | { kind: 'app'; env: string; app: string } | { kind: 'template'; name: string } | { kind: 'ignored' } | { kind: 'unexpected'; why: string };

function place(path: string): Placed {
  const parts = path.split('/');
  if (parts.some((p) => p.startsWith('.'))) return { kind: 'ignored' };
  if (parts[0] === 'templates' && parts.length === 2) return { kind: 'template', name: parts[1]! };
  const yaml = /\.ya?ml$/;
  if (parts.length === 1) return { kind: 'ignored' };
  const [env, second, third] = parts;
  if (parts.length === 2 && (second === 'project.yaml' || second === 'project.yml')) return { kind: 'project', env: env! };
  if (parts.length === 3 && second === 'apps' && yaml.test(third!)) return { kind: 'app', env: env!, app: third!.replace(yaml, '') };
  if (!yaml.test(path)) return { kind: 'ignored' };
  return { kind: 'unexpected', why: 'unexpected file: an environment folder holds project.yaml and apps/<app>.yaml' };
}

const problemAt = (file: ConfigFile, message: string, keyPath = ''): ConfigProblem => ({ file: file.path, line: 1, col: 1, keyPath, message });

function nameProblem(parsed: ParsedFile, key: 'env' | 'app', expected: string): ConfigProblem[] {
  const declared = parsed.data[key];
  if (declared === undefined || declared === expected) return [];
  const pos = positionOf(parsed, parsed.file.text, [key]);
  const where = key === 'env' ? 'its folder' : 'its file name';
  return [{ file: parsed.file.path, ...pos, keyPath: key, message: `"${String(declared)}" does not match ${where} "${expected}"` }];
}

interface Collected {
  projects: Map<string, ParsedFile>;
  apps: Map<string, Map<string, ParsedFile>>;
  templates: Map<string, ConfigFile>;
  problems: ConfigProblem[];
  /** The environments whose project.yaml is there but could not be parsed. */
  unparsedProjects: Set<string>;
  /** Some project or app file could not be parsed: what spans files is not checked (see loadConfigTree). */
  unparsed: boolean;
}

function collect(files: readonly ConfigFile[]): Collected {
  const out: Collected = { projects: new Map(), apps: new Map(), templates: new Map(), problems: [], unparsedProjects: new Set(), unparsed: false };
  for (const file of files) {
    const placed = place(file.path);
    if (placed.kind === 'ignored') continue;
    if (placed.kind === 'template') {
      out.templates.set(placed.name, file);
      continue;
    }
    if (placed.kind === 'unexpected') {
      out.problems.push(problemAt(file, placed.why));
      continue;
    }
    if (!isDnsLabel(placed.env)) {
      out.problems.push(problemAt(file, `invalid environment name "${placed.env}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`));
      continue;
    }
    if (placed.kind === 'app' && !isDnsLabel(placed.app)) {
      out.problems.push(problemAt(file, `invalid app name "${placed.app}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`));
      continue;
    }
    const result = parseFile(file);
    if (!result.ok) {
      out.problems.push(result.problem);
      out.unparsed = true;
      if (placed.kind === 'project') out.unparsedProjects.add(placed.env);
      continue;
    }
    const parsed = result.parsed;
    if (placed.kind === 'project') {
      out.problems.push(...validateFile(parsed, 'project'), ...nameProblem(parsed, 'env', placed.env));
      out.projects.set(placed.env, parsed);
    } else {
      out.problems.push(...validateFile(parsed, 'app'), ...nameProblem(parsed, 'app', placed.app));
      const apps = out.apps.get(placed.env) ?? new Map<string, ParsedFile>();
      apps.set(placed.app, parsed);
      out.apps.set(placed.env, apps);
    }
  }
  return out;
}

function parentProblems(environments: Map<string, EnvironmentNode>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = [...environments.keys()];
  for (const node of environments.values()) {
    if (node.parent === undefined || environments.has(node.parent)) continue;
    const pos = positionOf(node.project, node.project.file.text, ['parent']);
    const guess = names.length ? closest(node.parent, names) : undefined;
    problems.push({
      file: node.project.file.path, ...pos, keyPath: 'parent',
      message: `parent environment "${node.parent}" does not exist (no ${node.parent}/project.yaml)${guess ? `; did you mean "${guess}"?` : ''}`,
    });
  }
  const reported = new Set<string>();
  for (const start of environments.values()) {
    const seen: string[] = [];
    let current: EnvironmentNode | undefined = start;
    while (current && !seen.includes(current.name)) {
      seen.push(current.name);
      current = current.parent === undefined ? undefined : environments.get(current.parent);
    }
    if (!current || reported.has(current.name)) continue;
    const cycle = seen.slice(seen.indexOf(current.name));
    cycle.forEach((n) => reported.add(n));
    for (const name of cycle) {
      const node = environments.get(name)!;
      const pos = positionOf(node.project, node.project.file.text, ['parent']);
      problems.push({
        file: node.project.file.path, ...pos, keyPath: 'parent',
        message: `parent cycle: ${[...cycle, cycle[0]].map((n) => `${n}/project.yaml`).join(' → ')}`,
      });
    }
  }
  return problems;
}

/** Parses and validates every file; throws ConfigError listing every problem found. */
export function loadConfigTree(files: readonly ConfigFile[]): ConfigTree {
  const { projects, apps, templates, problems, unparsedProjects, unparsed } = collect(files);
  for (const [env, envApps] of apps) {
    if (projects.has(env) || unparsedProjects.has(env)) continue;
    const first = envApps.values().next().value as ParsedFile;
    problems.push(problemAt(first.file, `environment "${env}" has apps but no ${env}/project.yaml`));
  }
  // A file that could not be parsed is missing from the tree: what spans files (parents,
  // schedules, syncs, datastores...) would report its absence as problems of files that are
  // right. Its parse error is told with the other files' own problems only.
  if (unparsed) throw new ConfigError(sortProblems(problems));
  const environments = new Map<string, EnvironmentNode>();
  for (const [name, project] of projects) {
    const parent = typeof project.data.parent === 'string' ? project.data.parent : undefined;
    environments.set(name, { name, parent, project, apps: apps.get(name) ?? new Map() });
  }
  const parents = parentProblems(environments);
  // Schedules and syncs merge along the parents: only once they form a tree.
  problems.push(...parents, ...(parents.length === 0 ? [...scheduleProblems({ environments, templates }), ...syncProblems({ environments, templates }), ...datastoreProblems({ environments, templates })] : []));
  if (parents.length === 0) problems.push(...workflowProblems({ environments, templates }), ...alertRoutingProblems({ environments, templates }));
  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
  return { environments, templates };
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col);
}

/** The environment and its ancestors, root first. Assumes a tree without cycles (loadConfigTree checks). */
export function ancestry(tree: ConfigTree, env: string): EnvironmentNode[] {
  const chain: EnvironmentNode[] = [];
  let node = tree.environments.get(env);
  while (node) {
    chain.unshift(node);
    node = node.parent === undefined ? undefined : tree.environments.get(node.parent);
  }
  return chain;
}

/** Apps that have a file in the environment or any of its ancestors. */
export function appsOf(tree: ConfigTree, env: string): string[] {
  const names = new Set<string>();
  for (const node of ancestry(tree, env)) for (const app of node.apps.keys()) names.add(app);
  return [...names].sort();
}
