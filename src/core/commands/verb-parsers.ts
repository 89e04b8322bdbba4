// The words after the verb into a typed command, by the grammar table: the action word, the
// options, the argument count and each argument's kind are checked generically; a builder per
// command then makes the typed command. Every failure is a CommandSyntaxError.
import { checkVariableName, parseAssignments, parseScaleSpecs } from '../config/edit-args.js';
import { PROCESS_NAME } from '../config/schema-constants.js';
import { quoteForMessage } from '../release/ref.js';
import { closestWord } from '../text/did-you-mean.js';
import { dnsName, expectCount, gitRef, historyCommit, splitOptions, syntaxError, withUsage } from './arguments.js';
import { DatastoreAction, VERBS, type Command, type CommandKind, type Verb } from './command.js';
import { argumentCounts, GRAMMAR, type ArgumentSpec, type GrammarNode } from './grammar.js';
import { isVerb, type CommandPath } from './help.js';
import { parseSnapshotId } from '../ports/datastores.js';

/** What the table checked: the path taken, each argument by name, the flags given. */
interface Parsed {
  path: CommandPath;
  values: ReadonlyMap<string, string | string[]>;
  flags: ReadonlySet<string>;
  /** Options given with a value, by flag. */
  options: ReadonlyMap<string, string>;
}

const one = (p: Parsed, name: string): string => p.values.get(name) as string;
const maybe = (p: Parsed, name: string): string | undefined => p.values.get(name) as string | undefined;
const many = (p: Parsed, name: string): string[] => (p.values.get(name) as string[] | undefined) ?? [];

const DNS_WHAT: Partial<Record<ArgumentSpec['kind'], string>> = { app: 'app', env: 'environment', datastore: 'datastore' };

function checked(path: CommandPath, spec: ArgumentSpec, value: string, position: number): string {
  const what = DNS_WHAT[spec.kind];
  if (what !== undefined) return dnsName(path, what, value);
  switch (spec.kind) {
    case 'ref':
      return gitRef(path, value);
    case 'history-commit':
      return historyCommit(path, value);
    case 'variable':
      if (value.includes('=')) throw syntaxError(path, `${path.join(' ')} takes variable names, not KEY=VALUE (argument ${position})`);
      withUsage(path, () => checkVariableName(value));
      return value;
    default:
      return value;
  }
}

/** An action word (`set`, `reset`, ...) of a verb that has several, with "did you mean". */
function action(path: CommandPath, node: GrammarNode, word: string | undefined): GrammarNode {
  const actions = node.actions ?? [];
  const found = actions.find((a) => a.name === word);
  if (found) return found;
  const names = actions.map((a) => a.name);
  const label = path.join(' ');
  if (word === undefined) throw syntaxError(path, `${label} needs an action: ${names.join(', ')}`);
  const guess = closestWord(word, names);
  const hint = guess ? `; did you mean "${label} ${guess}"?` : ` (expected ${names.join(', ')})`;
  throw syntaxError(path, `unknown ${label} action ${quoteForMessage(word, 40)}${hint}`);
}

function parseNode(path: CommandPath, node: GrammarNode, words: readonly string[]): Parsed {
  if (node.actions) {
    const picked = action(path, node, words[0]);
    return parseNode([...path, picked.name], picked, words.slice(1));
  }
  const flags = node.options.filter((o) => o.value === undefined).map((o) => o.flag);
  const split = splitOptions(path, words, flags, node.options.filter((o) => o.value !== undefined).map((o) => o.flag));
  const { positional } = split;
  const { min, max } = argumentCounts(node);
  expectCount(path, positional, min, max);
  const values = new Map<string, string | string[]>();
  node.args.forEach((spec, i) => {
    if (spec.variadic) values.set(spec.name, positional.slice(i).map((word, j) => checked(path, spec, word, i + j + 1)));
    else if (positional[i] !== undefined) values.set(spec.name, checked(path, spec, positional[i], i + 1));
  });
  return { path, values, flags: split.flags, options: split.values };
}

function uniqueKeys(p: Parsed): string[] {
  const keys = many(p, 'keys');
  const twice = keys.find((key, i) => keys.indexOf(key) !== i);
  if (twice !== undefined) throw syntaxError(p.path, `${twice} is given twice`);
  return keys;
}

function helpTopic(p: Parsed): Command {
  const topic = maybe(p, 'command');
  if (topic === undefined) return { kind: 'help' };
  const lower = topic.toLowerCase();
  if (isVerb(lower)) return { kind: 'help', topic: lower };
  const guess = closestWord(lower, VERBS);
  throw syntaxError(p.path, `no command ${quoteForMessage(topic, 40)}${guess ? `; did you mean "help ${guess}"?` : ''}`);
}

const datastore = (action: DatastoreAction) => (p: Parsed): Command => {
  const name = maybe(p, 'datastore');
  const from = p.options.get('--from');
  if (from !== undefined && parseSnapshotId(from) === undefined) {
    throw syntaxError(p.path, `invalid snapshot ${quoteForMessage(from, 80)}: expected <env>/<datastore>/<UTC time>, as datastore list shows`);
  }
  return { kind: 'datastore', action, env: one(p, 'env'), ...(name === undefined ? {} : { datastore: name }), ...(from === undefined ? {} : { from }) };
};

const appAndMaybeEnv = (kind: 'status' | 'history') => (p: Parsed): Command => {
  const env = maybe(p, 'env');
  return { kind, app: one(p, 'app'), ...(env === undefined ? {} : { env }) };
};

/** One builder per leaf of the grammar, keyed by its words. */
export const COMMAND_BUILDERS: Readonly<Record<string, (p: Parsed) => Command>> = {
  deploy: (p) => ({ kind: 'deploy', app: one(p, 'app'), ref: one(p, 'ref'), env: one(p, 'env') }),
  rollback: (p) => {
    const commit = maybe(p, 'history-commit');
    return { kind: 'rollback', app: one(p, 'app'), env: one(p, 'env'), ...(commit === undefined ? {} : { commit }) };
  },
  scale: (p) => ({ kind: 'scale', app: one(p, 'app'), env: one(p, 'env'), scales: withUsage(p.path, () => parseScaleSpecs(many(p, 'specs'))) }),
  'config get': (p) => ({ kind: 'config-get', app: one(p, 'app'), env: one(p, 'env'), keys: uniqueKeys(p) }),
  'config set': (p) => ({
    kind: 'config-set', app: one(p, 'app'), env: one(p, 'env'),
    values: withUsage(p.path, () => parseAssignments(many(p, 'assignments'))), secret: p.flags.has('--secret'),
  }),
  'config unset': (p) => ({ kind: 'config-unset', app: one(p, 'app'), env: one(p, 'env'), keys: uniqueKeys(p) }),
  run: (p) => {
    const process = p.options.get('--process');
    if (process !== undefined && !new RegExp(PROCESS_NAME).test(process)) {
      throw syntaxError(p.path, `invalid process ${quoteForMessage(process, 40)}: expected a process type of the Procfile such as web`);
    }
    return { kind: 'run', app: one(p, 'app'), env: one(p, 'env'), ...(process === undefined ? {} : { process }), words: many(p, 'words') };
  },
  'datastore snapshot': datastore(DatastoreAction.Snapshot),
  'datastore reset': datastore(DatastoreAction.Reset),
  'datastore list': (p) => ({ kind: 'datastore-list', env: one(p, 'env') }),
  status: appAndMaybeEnv('status'),
  history: appAndMaybeEnv('history'),
  envs: () => ({ kind: 'envs' }),
  schedules: () => ({ kind: 'schedules' }),
  report: (p) => {
    const env = maybe(p, 'env');
    return { kind: 'report', ...(env === undefined ? {} : { env }) };
  },
  help: helpTopic,
};

/** The words after a verb (`mary feature-x dev3` for deploy) into a typed command. */
export function parseVerb(verb: Verb, words: readonly string[]): Command {
  const parsed = parseNode([verb], GRAMMAR[verb], words);
  const build = COMMAND_BUILDERS[parsed.path.join(' ')];
  if (!build) throw new Error(`no builder for "${parsed.path.join(' ')}" in the grammar table`);
  return build(parsed);
}

/** A command of a known kind from its words (the CLI, whose commander program the table also made). */
export function parseAs<K extends CommandKind>(kind: K, verb: Verb, words: readonly string[]): Extract<Command, { kind: K }> {
  const command = parseVerb(verb, words);
  if (command.kind !== kind) throw new Error(`"${verb} ${words.join(' ')}" is a ${command.kind} command, not ${kind}`);
  return command as Extract<Command, { kind: K }>;
}
