// `nestor __complete <words...>`: the candidates for the last word, one per line, for the bash
// and zsh scripts of `nestor completion`. It must answer at once, so it is reached without
// loading the CLI program (see entry.ts): the scripts pass the command tree in
// NESTOR_COMPLETION_TREE, and only without it is the program built to read its tree.
import { join } from 'node:path';
import { configCompletionValues } from '../adapters/cli/completion-values.js';
import { stateFolder } from '../adapters/fs/state-folder.js';
import { CONFIG_CLONE_FOLDER, configLocation } from '../adapters/git/config-location.js';
import type { CommandNode } from '../core/commands/command-tree.js';
import { completeWords } from '../core/commands/complete-words.js';

export const COMPLETE_COMMAND = '__complete';
export const TREE_VARIABLE = 'NESTOR_COMPLETION_TREE';

export interface CompleteIo {
  out(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

function isTree(value: unknown): value is CommandNode {
  const node = value as Partial<CommandNode> | null;
  return typeof node === 'object' && node !== null && typeof node.name === 'string'
    && Array.isArray(node.subcommands) && Array.isArray(node.options) && Array.isArray(node.args) && node.subcommands.every(isTree);
}

function treeFromEnvironment(env: CompleteIo['env']): CommandNode | undefined {
  try {
    const tree: unknown = JSON.parse(env[TREE_VARIABLE] ?? '');
    return isTree(tree) ? tree : undefined;
  } catch {
    return undefined;
  }
}

/** The value of `--name VALUE`, `--name=VALUE` (or `-c VALUE` for --config) among the words typed. */
function optionIn(words: readonly string[], name: string, short?: string): string | undefined {
  let value: string | undefined;
  words.forEach((word, i) => {
    if ((word === name || word === short) && words[i + 1] !== undefined) value = words[i + 1];
    else if (word.startsWith(`${name}=`)) value = word.slice(name.length + 1);
  });
  return value;
}

/**
 * The folder to read names from: the config given (`--config`, `$NESTOR_CONFIG`,
 * `./nestor-config`), or for a shared repository this machine's clone of it as last fetched (a
 * Tab never fetches).
 */
function configDirOf(words: readonly string[], io: CompleteIo): string {
  const location = configLocation(optionIn(words, '--config', '-c') ?? io.env.NESTOR_CONFIG ?? 'nestor-config', io.cwd);
  if (location.kind === 'folder') return location.dir;
  return join(stateFolder(io.cwd, io.env, optionIn(words, '--state')), CONFIG_CLONE_FOLDER);
}

/** `words`: what follows `nestor` on the command line, the last one being the word typed (maybe empty). */
export async function runComplete(words: readonly string[], io: CompleteIo, programTree: () => Promise<CommandNode>): Promise<number> {
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const tree = treeFromEnvironment(io.env) ?? (await programTree());
  const candidates = await completeWords(tree, before, current, configCompletionValues(configDirOf(before, io)));
  if (candidates.length > 0) io.out(`${candidates.join('\n')}\n`);
  return 0;
}
