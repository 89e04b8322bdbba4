// The commands a user can type, as a tree of words (commands, options, arguments), whatever
// grammar describes them: the CLI's commander program (adapters/cli/command-tree.ts) and the
// chat grammar's table (below). Completion (complete-words.ts) walks it.
import { VERBS } from './command.js';
import { GRAMMAR, type GrammarNode } from './grammar.js';

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

/** What completion offers for an argument, read from its name (the grammar table and the CLI's own commands name them alike). */
export type ArgumentKind = 'app' | 'env' | 'ref' | 'command' | 'other';

const KINDS: Readonly<Record<string, ArgumentKind>> = { app: 'app', env: 'env', ref: 'ref', command: 'command' };

export function argumentKind(name: string): ArgumentKind {
  return KINDS[name] ?? 'other';
}

function grammarTree(node: GrammarNode): CommandNode {
  return {
    name: node.name,
    subcommands: (node.actions ?? []).map(grammarTree),
    options: node.options.map((o) => ({ flag: o.flag, takesValue: o.value !== undefined })),
    args: node.args.map((a) => ({ name: a.name, required: a.required, variadic: a.variadic ?? false })),
  };
}

/** Every verb of the chat grammar, under a root named `nestor`. */
export function chatTree(): CommandNode {
  return { name: 'nestor', subcommands: VERBS.map((verb) => grammarTree(GRAMMAR[verb])), options: [], args: [] };
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
