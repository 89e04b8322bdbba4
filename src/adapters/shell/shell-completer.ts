// Tab in the shell: the word under the cursor completed from the shell's grammar (the chat
// verbs and the CLI's commands) and the demo world's apps, environments and branches.
import { completeWords, type CompletionValues } from '../../core/commands/complete-words.js';
import type { CommandNode } from '../../core/commands/command-tree.js';

/** readline's completer: the candidates for the last word of `line` (the text left of the cursor), and that word. */
export function shellCompleter(tree: CommandNode, values: CompletionValues): (line: string) => Promise<[string[], string]> {
  return async (line) => {
    const words = line.replace(/^\s*\/nestor(\s|$)/, '').split(/\s+/);
    const current = words.pop() ?? '';
    const hits = await completeWords(tree, words.filter(Boolean), current, values);
    // One candidate: complete it and move on to the next word, as shells do.
    return [hits.length === 1 ? [`${hits[0]} `] : hits, current];
  };
}
