// Usage lines and help texts per verb.
import { VERBS, type Verb } from './command.js';

export interface VerbHelp {
  usage: string;
  summary: string;
  examples: readonly string[];
}

export const COMMAND_PREFIX = '/nestor';

export const VERB_HELP: Readonly<Record<Verb, VerbHelp>> = {
  deploy: {
    usage: 'deploy <app> <branch|tag|sha> <env>',
    summary: 'deploy a branch, tag or commit of an app to an environment',
    examples: ['deploy mary feature-x dev3', 'deploy mary v1.4.2 production'],
  },
  rollback: {
    usage: 'rollback <app> <env> [<history-commit>]',
    summary: 'apply an earlier release again, exactly as it was (default: the release before the latest)',
    examples: ['rollback mary production', 'rollback mary production 3f2c1ab'],
  },
  scale: {
    usage: 'scale <app> <env> <process>=<min>[:<max>] ...',
    summary: 'set the replicas of process types (min and max for autoscaling)',
    examples: ['scale mary production web=3:9', 'scale mary dev3 web=1 worker=2'],
  },
  config: {
    usage: 'config get|set|unset <app> <env> [KEY[=VALUE] ...] [--secret]',
    summary: 'read or change the variables of an app; quote a value with spaces; --secret keeps it out of git and chat',
    examples: ['config get mary dev3', 'config set mary dev3 LOG_LEVEL=debug GREETING="hello world"', 'config set mary production API_KEY=... --secret', 'config unset mary dev3 LOG_LEVEL'],
  },
  datastore: {
    usage: 'datastore snapshot|reset <env> [<datastore>]',
    summary: 'snapshot the datastores of an environment, or reset them from the last snapshot',
    examples: ['datastore snapshot dev3', 'datastore reset dev3 postgres'],
  },
  status: {
    usage: 'status <app> [<env>]',
    summary: 'what runs where: version, replicas, last release',
    examples: ['status mary', 'status mary production'],
  },
  history: {
    usage: 'history <app> [<env>]',
    summary: 'the latest releases of an app',
    examples: ['history mary production'],
  },
  envs: {
    usage: 'envs',
    summary: 'list environments under their parents',
    examples: ['envs'],
  },
  help: {
    usage: 'help [command]',
    summary: 'this help, or the help of one command',
    examples: ['help', 'help deploy'],
  },
};

/** `/nestor deploy <app> <branch|tag|sha> <env>` */
export function usageLine(verb: Verb): string {
  return `${COMMAND_PREFIX} ${VERB_HELP[verb].usage}`;
}

/** The help of every verb (no topic) or of one. */
export function helpText(topic?: Verb): string {
  if (topic === undefined) {
    const lines = VERBS.map((verb) => `${usageLine(verb)}  ·  ${VERB_HELP[verb].summary}`);
    return [`Commands:`, ...lines, `Type \`${COMMAND_PREFIX} help <command>\` for examples.`].join('\n');
  }
  const help = VERB_HELP[topic];
  return [`Usage: ${usageLine(topic)}`, help.summary, 'Examples:', ...help.examples.map((e) => `  ${COMMAND_PREFIX} ${e}`)].join('\n');
}

export function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}
