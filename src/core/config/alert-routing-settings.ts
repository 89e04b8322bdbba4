// Alert routing (`monitoring.routing` in project.yaml) checked with the tree, like the other keys
// that name something: every team has a Slack channel and webhook once merged, the `default`
// and each app's `tplTeam` name a team of the routing. Each problem points at the file and line
// that set the value, with a did-you-mean.
import type { ConfigProblem } from '../errors.js';
import { closestWord } from '../text/did-you-mean.js';
import { isPlainObject, type ParsedFile } from './config-file.js';
import { ancestry, appsOf, type ConfigTree } from './config-tree.js';
import { positionOf } from './positions.js';
import type { AlertRoutingConfig } from './schema.js';
import { mergedProject } from './merged-project.js';
import { lastDeclaring } from './sync-settings.js';

const ROUTING = ['monitoring', 'routing'];
const TEAMS = [...ROUTING, 'teams'];
const DEFAULT = [...ROUTING, 'default'];
const TPL_TEAM = ['templateVars', 'tplTeam'];
const LITERAL_WEBHOOK = 'a webhook URL is a secret and does not belong in git: name the Secret that holds it ({ secret: NAME, key: KEY })';

function valueAt(file: ParsedFile, path: readonly string[]): unknown {
  let node: unknown = file.data;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

function problem(file: ParsedFile, path: readonly string[], message: string, onKey = false): ConfigProblem {
  return { file: file.file.path, ...positionOf(file, file.file.text, path, onKey), keyPath: path.join('.'), message };
}

function unknownTeam(team: string, teams: readonly string[]): string {
  const guess = closestWord(team, teams);
  const known = teams.length > 0 ? `: the teams are ${teams.join(', ')}` : ': it has none';
  return `unknown team "${team}", not in monitoring.routing.teams${guess ? ` (did you mean "${guess}"?)` : known}`;
}

function environmentProblems(tree: ConfigTree, env: string, add: (p: ConfigProblem) => void): void {
  const monitoring: unknown = mergedProject(tree, env).monitoring;
  const routing = isPlainObject(monitoring) ? monitoring['routing'] as AlertRoutingConfig | undefined : undefined;
  // Not a map, or teams not a map: the schema reported it for its file; nothing more to say.
  if (!isPlainObject(routing) || (routing.teams !== undefined && !isPlainObject(routing.teams))) return;
  const chain = ancestry(tree, env);
  const projects = chain.map((node) => node.project);
  const receivers = routing.teams ?? {};
  const teams = Object.keys(receivers).sort();
  for (const [team, receiver] of Object.entries(receivers)) {
    for (const file of projects) {
      const path = [...TEAMS, team, 'slack', 'webhook'];
      if (typeof valueAt(file, path) === 'string') add(problem(file, path, LITERAL_WEBHOOK));
    }
    const missing = [!receiver?.slack?.channel && 'slack.channel', !receiver?.slack?.webhook && 'slack.webhook'].filter(Boolean);
    const file = lastDeclaring(projects, [...TEAMS, team]);
    if (missing.length > 0 && file) {
      add(problem(file, [...TEAMS, team], `team "${team}" has no ${missing.join(' nor ')} (set it here or in an ancestor's project.yaml)`, true));
    }
  }
  const defaultFile = lastDeclaring(projects, DEFAULT);
  if (routing.default !== undefined && !teams.includes(routing.default) && defaultFile) {
    add(problem(defaultFile, DEFAULT, unknownTeam(routing.default, teams)));
  }
  for (const app of appsOf(tree, env)) {
    const files = [...projects, ...chain.flatMap((node) => node.apps.get(app) ?? [])];
    const file = lastDeclaring(files, TPL_TEAM);
    const team = file && valueAt(file, TPL_TEAM);
    if (file && typeof team === 'string' && !teams.includes(team)) add(problem(file, TPL_TEAM, unknownTeam(team, teams)));
  }
}

export function alertRoutingProblems(tree: ConfigTree): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  const add = (p: ConfigProblem): void => {
    problems.set(`${p.file}:${p.line}:${p.message}`, p);
  };
  for (const env of tree.environments.keys()) environmentProblems(tree, env, add);
  return [...problems.values()];
}
