// One parser per verb, dispatched through a map. Each takes the words after the verb and returns
// a typed command or throws CommandSyntaxError.
import { checkVariableName, parseAssignments, parseScaleSpecs } from '../config/edit-args.js';
import { quoteForMessage } from '../release/ref.js';
import {
  ConfigAction,
  DatastoreAction,
  type Command,
  type ConfigGetCommand,
  type ConfigSetCommand,
  type ConfigUnsetCommand,
  type Verb,
} from './command.js';
import { dnsName, expectCount, gitRef, historyCommit, splitOptions, syntaxError, withUsage } from './arguments.js';
import { closestWord } from '../text/did-you-mean.js';
import { isVerb } from './help.js';

export type VerbParser = (words: readonly string[]) => Command;

const SECRET_FLAG = '--secret';

function parseDeploy(words: readonly string[]): Command {
  const { positional } = splitOptions('deploy', words);
  expectCount('deploy', positional, 3, 3);
  const [app, ref, env] = positional as [string, string, string];
  return { kind: 'deploy', app: dnsName('deploy', 'app', app), ref: gitRef('deploy', ref), env: dnsName('deploy', 'environment', env) };
}

function parseRollback(words: readonly string[]): Command {
  const { positional } = splitOptions('rollback', words);
  expectCount('rollback', positional, 2, 3);
  const [app, env, commit] = positional as [string, string, string | undefined];
  return {
    kind: 'rollback',
    app: dnsName('rollback', 'app', app),
    env: dnsName('rollback', 'environment', env),
    ...(commit === undefined ? {} : { commit: historyCommit('rollback', commit) }),
  };
}

function parseScale(words: readonly string[]): Command {
  const { positional } = splitOptions('scale', words);
  expectCount('scale', positional, 3, Infinity);
  const [app, env, ...specs] = positional as [string, string, ...string[]];
  return {
    kind: 'scale',
    app: dnsName('scale', 'app', app),
    env: dnsName('scale', 'environment', env),
    scales: withUsage('scale', () => parseScaleSpecs(specs)),
  };
}

/** An action word (`set`, `reset`, ...) of a verb that has several, with "did you mean". */
function action<T extends string>(verb: Verb, word: string | undefined, actions: readonly T[]): T {
  const found = actions.find((a) => a === word);
  if (found !== undefined) return found;
  if (word === undefined) throw syntaxError(verb, `${verb} needs an action: ${actions.join(', ')}`);
  const guess = closestWord(word, actions);
  const hint = guess ? `; did you mean "${verb} ${guess}"?` : ` (expected ${actions.join(', ')})`;
  throw syntaxError(verb, `unknown ${verb} action ${quoteForMessage(word, 40)}${hint}`);
}

function uniqueKeys(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const key of keys) {
    withUsage('config', () => checkVariableName(key));
    if (seen.has(key)) throw syntaxError('config', `${key} is given twice`);
    seen.add(key);
  }
  return [...keys];
}

function parseConfig(words: readonly string[]): ConfigGetCommand | ConfigSetCommand | ConfigUnsetCommand {
  const verb = action('config', words[0], Object.values(ConfigAction));
  const label = `config ${verb}`;
  const { positional, flags } = splitOptions('config', words.slice(1), verb === 'set' ? [SECRET_FLAG] : [], label);
  expectCount('config', positional, verb === 'get' ? 2 : 3, Infinity, label);
  const [appWord, envWord, ...rest] = positional as [string, string, ...string[]];
  const app = dnsName('config', 'app', appWord);
  const env = dnsName('config', 'environment', envWord);
  if (verb === 'set') {
    const values = withUsage('config', () => parseAssignments(rest));
    return { kind: 'config-set', app, env, values, secret: flags.has(SECRET_FLAG) };
  }
  const withValue = rest.find((k) => k.includes('='));
  if (withValue !== undefined) {
    throw syntaxError('config', `${label} takes variable names, not KEY=VALUE (argument ${positional.indexOf(withValue) + 1})`);
  }
  return { kind: verb === 'get' ? 'config-get' : 'config-unset', app, env, keys: uniqueKeys(rest) };
}

function parseDatastore(words: readonly string[]): Command {
  const verb = action('datastore', words[0], Object.values(DatastoreAction));
  const { positional } = splitOptions('datastore', words.slice(1), [], `datastore ${verb}`);
  expectCount('datastore', positional, 1, 2, `datastore ${verb}`);
  const [env, datastore] = positional as [string, string | undefined];
  return {
    kind: 'datastore',
    action: verb,
    env: dnsName('datastore', 'environment', env),
    ...(datastore === undefined ? {} : { datastore: dnsName('datastore', 'datastore', datastore) }),
  };
}

function appAndMaybeEnv(verb: 'status' | 'history') {
  return (words: readonly string[]): Command => {
    const { positional } = splitOptions(verb, words);
    expectCount(verb, positional, 1, 2);
    const [app, env] = positional as [string, string | undefined];
    return { kind: verb, app: dnsName(verb, 'app', app), ...(env === undefined ? {} : { env: dnsName(verb, 'environment', env) }) };
  };
}

function parseEnvs(words: readonly string[]): Command {
  expectCount('envs', splitOptions('envs', words).positional, 0, 0);
  return { kind: 'envs' };
}

function parseHelp(words: readonly string[]): Command {
  const { positional } = splitOptions('help', words);
  expectCount('help', positional, 0, 1);
  const topic = positional[0];
  if (topic === undefined) return { kind: 'help' };
  const lower = topic.toLowerCase();
  if (isVerb(lower)) return { kind: 'help', topic: lower };
  const guess = closestWord(lower, Object.keys(VERB_PARSERS) as Verb[]);
  throw syntaxError('help', `no command ${quoteForMessage(topic, 40)}${guess ? `; did you mean "help ${guess}"?` : ''}`);
}

export const VERB_PARSERS: Readonly<Record<Verb, VerbParser>> = {
  deploy: parseDeploy,
  rollback: parseRollback,
  scale: parseScale,
  config: parseConfig,
  datastore: parseDatastore,
  status: appAndMaybeEnv('status'),
  history: appAndMaybeEnv('history'),
  envs: parseEnvs,
  help: parseHelp,
};
