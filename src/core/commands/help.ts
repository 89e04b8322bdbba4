// Usage lines and help texts, generated from the grammar table.
import { VERBS, type Verb } from './command.js';
import { GRAMMAR, grammarNode, type ArgumentSpec, type GrammarNode } from './grammar.js';

export const COMMAND_PREFIX = '/nestor';

/** A verb and the action words under it: `['config', 'set']`. */
export type CommandPath = readonly [Verb, ...string[]];

function shownArgument(arg: ArgumentSpec): string {
  if (arg.shown !== undefined) return arg.shown;
  const word = arg.required ? `<${arg.name}>` : `[<${arg.name}>]`;
  return arg.variadic ? `${word} ...` : word;
}

/** Options go last, but before a command line (`-- <command> ...`), whose words are its own. */
function nodeLine(words: string, node: GrammarNode): string {
  const options = node.options.map((o) => `[${o.flag}${o.value ? ` ${o.value}` : ''}]`);
  const tail = node.args.filter((a) => a.kind === 'shell-word');
  const head = node.args.filter((a) => a.kind !== 'shell-word');
  return [words, ...head.map(shownArgument), ...options, ...tail.map(shownArgument)].join(' ');
}

/** Every leaf under a path, each with its words: `config get`, `config set`, ... */
function leaves(path: readonly string[], node: GrammarNode): { words: string; node: GrammarNode }[] {
  if (!node.actions) return [{ words: path.join(' '), node }];
  return node.actions.flatMap((action) => leaves([...path, action.name], action));
}

/** The usage lines of a verb or of one of its actions (`/nestor config set <app> <env> KEY=VALUE ... [--secret]`). */
export function usageLines(path: CommandPath): string[] {
  const node = grammarNode(path);
  if (!node) return usageLines([path[0]]);
  return leaves(path, node).map((leaf) => `${COMMAND_PREFIX} ${nodeLine(leaf.words, leaf.node)}`);
}

export function usageText(path: CommandPath): string {
  return usageLines(path).join('\n');
}

/** The help of every verb (no topic) or of one. */
export function helpText(topic?: Verb): string {
  if (topic === undefined) {
    const lines = VERBS.flatMap((verb) => leaves([verb], GRAMMAR[verb]).map((leaf) => `${COMMAND_PREFIX} ${nodeLine(leaf.words, leaf.node)}  ·  ${leaf.node.summary}`));
    return [`Commands:`, ...lines, `Type \`${COMMAND_PREFIX} help <command>\` for examples.`].join('\n');
  }
  const verb = GRAMMAR[topic];
  const usage = usageLines([topic]);
  return [
    `Usage: ${usage[0]}`, ...usage.slice(1).map((u) => `       ${u}`),
    verb.summary,
    'Examples:', ...(verb.examples ?? []).map((e) => `  ${COMMAND_PREFIX} ${e}`),
  ].join('\n');
}

export function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}
