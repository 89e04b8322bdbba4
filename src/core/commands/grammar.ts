// The one description of every verb Slack and the CLI share: its actions, arguments, options,
// summary and examples. The chat parser (verb-parsers.ts), the usage lines and help (help.ts),
// the CLI's commander commands (adapters/cli/grammar-commands.ts) and completion
// (command-tree.ts) are all generated from this table.
import type { Verb } from './command.js';

/** What an argument holds; decides how it is checked and what completion offers. */
export type ArgumentKind = 'app' | 'env' | 'ref' | 'history-commit' | 'datastore' | 'variable' | 'assignment' | 'scale-spec' | 'command' | 'shell-word';

export interface ArgumentSpec {
  /** The name the CLI shows (`<app>`) and the key of the parsed value. */
  name: string;
  kind: ArgumentKind;
  required: boolean;
  variadic?: boolean;
  /** How a usage line shows it when not as `<name>`: `<branch|tag|sha>`, `KEY=VALUE ...`. */
  shown?: string;
  description?: string;
}

export interface OptionSpec {
  flag: `--${string}`;
  description: string;
  /** How usage shows the value the option takes (`<snapshot>`); absent for a flag. */
  value?: `<${string}>`;
}

export interface GrammarNode {
  name: string;
  summary: string;
  args: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  /** `config get|set|unset`: a verb whose first word picks what it does. */
  actions?: readonly GrammarNode[];
  examples?: readonly string[];
}

const app: ArgumentSpec = { name: 'app', kind: 'app', required: true };
const env: ArgumentSpec = { name: 'env', kind: 'env', required: true };
const datastore: ArgumentSpec = { name: 'datastore', kind: 'datastore', required: false, description: 'default: every datastore of the environment' };
const everyEnv: ArgumentSpec = { ...env, required: false, description: 'default: every environment with a file for the app' };
const node = (name: string, summary: string, args: readonly ArgumentSpec[], options: readonly OptionSpec[] = []): GrammarNode =>
  ({ name, summary, args, options });

type VerbEntry = Omit<GrammarNode, 'name' | 'options'> & { options?: readonly OptionSpec[] };

const TABLE: Readonly<Record<Verb, VerbEntry>> = {
  deploy: {
    summary: 'deploy a branch, tag or commit of an app to an environment',
    args: [app, { name: 'ref', kind: 'ref', required: true, shown: '<branch|tag|sha>', description: 'a branch, a tag or a commit sha' }, env],
    examples: ['deploy mary feature-x dev3', 'deploy mary v1.4.2 production'],
  },
  rollback: {
    summary: 'apply an earlier release again, exactly as it was, and pin the app there',
    args: [app, env, { name: 'history-commit', kind: 'history-commit', required: false, description: 'default: the release before the latest' }],
    examples: ['rollback mary production', 'rollback mary production 3f2c1ab'],
  },
  scale: {
    summary: 'set the replicas of process types (min and max for autoscaling): a commit to nestor-config, then a release',
    args: [app, env, { name: 'specs', kind: 'scale-spec', required: true, variadic: true, shown: '<process>=<min>[:<max>] ...', description: 'e.g. web=3:9 worker=2' }],
    examples: ['scale mary production web=3:9', 'scale mary dev3 web=1 worker=2'],
  },
  config: {
    summary: 'read or change the variables of an app',
    args: [],
    actions: [
      node('get', 'print the variables of an app (secrets masked) and the file each comes from', [
        app, env, { name: 'keys', kind: 'variable', required: false, variadic: true, shown: '[KEY ...]' },
      ]),
      node('set', 'set variables (a commit to nestor-config), then release the running version; quote a value with spaces', [
        app, env, { name: 'assignments', kind: 'assignment', required: true, variadic: true, shown: 'KEY=VALUE ...' },
      ], [{ flag: '--secret', description: 'keep the values in the Kubernetes Secret <app>-secrets, out of git and chat; the config only names them' }]),
      node('unset', 'remove variables or secrets (a commit to nestor-config), then release the running version', [
        app, env, { name: 'keys', kind: 'variable', required: true, variadic: true, shown: 'KEY ...' },
      ]),
    ],
    examples: ['config get mary dev3', 'config set mary dev3 LOG_LEVEL=debug GREETING="hello world"', 'config set mary production API_KEY=... --secret', 'config unset mary dev3 LOG_LEVEL'],
  },
  datastore: {
    summary: 'snapshot the datastores of an environment, reset them from a snapshot, or list them',
    args: [],
    actions: [
      node('snapshot', 'snapshot the datastores of an environment', [env, datastore]),
      node('reset', "reset the datastores of an environment from the latest snapshot of their source environment (the app's releases wait)", [env, datastore], [
        { flag: '--from', value: '<snapshot>', description: 'a snapshot id as datastore list shows (one datastore only)' },
      ]),
      node('list', 'the datastores of an environment: kind, source, size and the latest snapshots', [env]),
    ],
    examples: ['datastore snapshot staging', 'datastore reset dev3 mary-db', 'datastore list dev3'],
  },
  run: {
    summary: 'run a one-off process (a migration, a script) in the image, config and secrets of the running release; its log and exit code',
    args: [app, env, { name: 'words', kind: 'shell-word', required: true, variadic: true, shown: '-- <command> ...', description: 'the command, after --' }],
    options: [{ flag: '--process', value: '<process>', description: 'the process type whose resources it gets (default: web)' }],
    examples: ['run mary dev3 -- node scripts/migrate.js', 'run mary production --process worker -- node scripts/reindex.js --all'],
  },
  status: {
    summary: 'what runs where: version, replicas ready, last release and pin',
    args: [app, everyEnv],
    examples: ['status mary', 'status mary production'],
  },
  history: {
    summary: 'the latest releases of an app, newest first',
    args: [app, everyEnv],
    examples: ['history mary', 'history mary production'],
  },
  envs: { summary: 'list environments under their parents', args: [], examples: ['envs'] },
  report: {
    summary: "what runs where: each app's version, release, pin and last failure, whether its live objects drifted and whether its config is out of sync",
    args: [{ name: 'env', kind: 'env', required: false, description: 'one environment (default: every environment)' }],
    examples: ['report staging', 'report'],
  },
  schedules: {
    summary: 'the schedules of the config (staging release, syncs, reports): next firing and last run of each',
    args: [],
    examples: ['schedules'],
  },
  help: {
    summary: 'this help, or the help of one command',
    args: [{ name: 'command', kind: 'command', required: false }],
    examples: ['help', 'help deploy'],
  },
};

export const GRAMMAR: Readonly<Record<Verb, GrammarNode>> = Object.fromEntries(
  Object.entries(TABLE).map(([name, entry]) => [name, { name, options: [], ...entry }]),
) as Record<Verb, GrammarNode>;

/** The node of `config set` (`['config', 'set']`), or undefined when there is none. */
export function grammarNode(path: readonly string[]): GrammarNode | undefined {
  const [verb, ...rest] = path;
  let at: GrammarNode | undefined = verb === undefined ? undefined : (GRAMMAR as Record<string, GrammarNode>)[verb];
  for (const word of rest) at = at?.actions?.find((a) => a.name === word);
  return at;
}

/** The least and most positional arguments a node takes. */
export function argumentCounts(node: GrammarNode): { min: number; max: number } {
  return {
    min: node.args.filter((a) => a.required).length,
    max: node.args.some((a) => a.variadic) ? Infinity : node.args.length,
  };
}
