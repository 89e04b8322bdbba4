// `nestor completion bash|zsh`: a script to source, as kubectl and helm print. It holds the
// command tree of the program that printed it and asks `nestor __complete` for each Tab, which
// reads the apps, environments and branches then (so they are never stale).
import type { CommandNode } from '../../core/commands/command-tree.js';

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** A word for a single-quoted shell string. */
const singleQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(tree: string): string {
  return `# nestor completion for bash. Load it in this shell with
#   source <(nestor completion bash)
# or for every shell: nestor completion bash > ~/.local/share/bash-completion/completions/nestor
_nestor_tree=${tree}
_nestor_complete() {
  local IFS=$'\\n'
  # The words after the program's name, up to the one under the cursor (maybe empty).
  COMPREPLY=($(NESTOR_COMPLETION_TREE="$_nestor_tree" "\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _nestor_complete nestor
`;
}

function zsh(tree: string): string {
  return `#compdef nestor
# nestor completion for zsh. Load it in this shell (after compinit) with
#   source <(nestor completion zsh)
# or for every shell: nestor completion zsh > "\${fpath[1]}/_nestor"
_nestor_tree=${tree}
_nestor() {
  local -a candidates
  candidates=("\${(@f)$(NESTOR_COMPLETION_TREE="$_nestor_tree" "\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")
  if (( \${#candidates} )); then
    compadd -a candidates
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" = _nestor ]]; then
  _nestor "$@"
else
  compdef _nestor nestor
fi
`;
}

export function completionScript(shell: CompletionShell, tree: CommandNode): string {
  const quoted = singleQuoted(JSON.stringify(tree));
  return shell === 'bash' ? bash(quoted) : zsh(quoted);
}
