// Completion of the word being typed, from a command tree and the names the configuration
// knows (apps, environments, the branches of an app's repository). Used by the shell's Tab and
// by `nestor __complete`, which the bash and zsh scripts of `nestor completion` call.
import { argumentKind, type ArgumentNode, type CommandNode } from './command-tree.js';

/** Where the dynamic values come from; each may fail or be slow, so each is asked only when needed. */
export interface CompletionValues {
  apps(): Promise<string[]>;
  envs(): Promise<string[]>;
  /** Branches and tags of the app's repository (none when it can't be read cheaply). */
  refs(app: string): Promise<string[]>;
}

interface Position {
  node: CommandNode;
  /** Options of the commands walked so far (global options stay valid under subcommands). */
  options: CommandNode['options'];
  positional: string[];
  /** The option just before the word being typed expects a value. */
  optionValue: boolean;
}

function walk(root: CommandNode, words: readonly string[]): Position {
  const at: Position = { node: root, options: [...root.options], positional: [], optionValue: false };
  for (const word of words) {
    if (at.optionValue) {
      at.optionValue = false;
      continue;
    }
    if (word.startsWith('-')) {
      const option = at.options.find((o) => o.flag === word);
      at.optionValue = option?.takesValue === true && !word.includes('=');
      continue;
    }
    const sub = at.positional.length === 0 ? at.node.subcommands.find((s) => s.name === word) : undefined;
    if (sub) {
      at.node = sub;
      at.options.push(...sub.options);
    } else {
      at.positional.push(word);
    }
  }
  return at;
}

function argumentAt(node: CommandNode, index: number): ArgumentNode | undefined {
  const last = node.args.at(-1);
  return node.args[index] ?? (last?.variadic ? last : undefined);
}

async function argumentValues(root: CommandNode, at: Position, values: CompletionValues): Promise<string[]> {
  const arg = argumentAt(at.node, at.positional.length);
  if (!arg) return [];
  switch (argumentKind(arg.name)) {
    case 'app':
      return values.apps();
    case 'env':
      return values.envs();
    case 'ref': {
      const appIndex = at.node.args.findIndex((a) => argumentKind(a.name) === 'app');
      const app = at.positional[appIndex];
      return appIndex >= 0 && app !== undefined ? values.refs(app) : [];
    }
    case 'command':
      return root.subcommands.map((s) => s.name);
    case 'other':
      return [];
  }
}

/**
 * The words that may replace `current`, the word being typed after `words` (the words before it,
 * without the program's name). A value that fails to load gives no candidates rather than an error.
 */
export async function completeWords(root: CommandNode, words: readonly string[], current: string, values: CompletionValues): Promise<string[]> {
  const at = walk(root, words);
  if (at.optionValue) return [];
  let candidates: string[];
  if (current.startsWith('-')) candidates = at.options.map((o) => o.flag);
  else if (at.positional.length === 0 && at.node.subcommands.length > 0) candidates = at.node.subcommands.map((s) => s.name);
  else candidates = await argumentValues(root, at, values).catch(() => []);
  return [...new Set(candidates.filter((c) => c.startsWith(current)))].sort();
}
