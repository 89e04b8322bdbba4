// The commands a user can type, as a tree of words (commands, options, arguments), whatever
// grammar describes them: the CLI's commander program (adapters/cli/command-tree.ts) and the
// chat grammar's usage lines (below). Completion (complete-words.ts) walks it.
import { VERBS, type Verb } from './command.js';
import { VERB_HELP } from './help.js';

export interface OptionNode {
  /** `--dry-run` (or `-c` when an option has no long form). */
  flag: string;
  /** Whether the next word is the option's value (`--limit 5`). */
  takesValue: boolean;
}

export interface ArgumentNode {
  /** As the grammar names it: `app`, `env`, `ref`, `history-commit`, `keys`... */
  name: string;
  required: boolean;
  variadic: boolean;
}

export interface CommandNode {
  name: string;
  subcommands: CommandNode[];
  options: OptionNode[];
  args: ArgumentNode[];
}

/** What an argument's values are, read from its name in either grammar. */
export type ArgumentKind = 'app' | 'env' | 'ref' | 'command' | 'other';

const KINDS: Readonly<Record<string, ArgumentKind>> = {
  app: 'app', env: 'env', ref: 'ref', 'branch|tag|sha': 'ref', command: 'command',
};

export function argumentKind(name: string): ArgumentKind {
  return KINDS[name] ?? 'other';
}

/**
 * A chat verb's tree, read from its usage line (`config get|set|unset <app> <env> [KEY[=VALUE]
 * ...] [--secret]`): `a|b` words are subcommands, `<x>` and `[<x>]` arguments, `...` makes the
 * argument before it variadic, `[--flag]` an option.
 */
export function usageNode(verb: Verb): CommandNode {
  const [name = verb, ...words] = VERB_HELP[verb].usage.split(' ');
  const node: CommandNode = { name, subcommands: [], options: [], args: [] };
  let actions: string[] = [];
  for (const word of words) {
    const flag = /^\[?(--[a-z-]+)\]?$/.exec(word);
    if (flag) node.options.push({ flag: flag[1]!, takesValue: false });
    else if (word.includes('...')) {
      const last = node.args.at(-1);
      if (last) last.variadic = true;
    } else if (/^[a-z]+(\|[a-z]+)+$/.test(word) && node.args.length === 0) actions = word.split('|');
    else node.args.push({ name: word.replace(/^\[?<?|>?\]?$/g, ''), required: !word.startsWith('['), variadic: false });
  }
  if (actions.length === 0) return node;
  const action = (a: string): CommandNode => ({ name: a, subcommands: [], options: node.options, args: node.args });
  return { name, subcommands: actions.map(action), options: [], args: [] };
}

/** Every verb of the chat grammar, under a root named `nestor`. */
export function chatTree(): CommandNode {
  return { name: 'nestor', subcommands: VERBS.map(usageNode), options: [], args: [] };
}

/** `a` with what only `b` has: commands and options by name, recursively; `a`'s arguments win. */
export function mergeTrees(a: CommandNode, b: CommandNode): CommandNode {
  const subcommands = a.subcommands.map((sub) => {
    const other = b.subcommands.find((s) => s.name === sub.name);
    return other ? mergeTrees(sub, other) : sub;
  });
  for (const sub of b.subcommands) if (!subcommands.some((s) => s.name === sub.name)) subcommands.push(sub);
  const options = [...a.options, ...b.options.filter((o) => !a.options.some((x) => x.flag === o.flag))];
  return { name: a.name, subcommands, options, args: a.args.length > 0 ? a.args : b.args };
}
