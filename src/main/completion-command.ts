// `nestor completion bash|zsh`: the script that completes nestor's commands, options, apps,
// environments and branches in a shell, made from the program's own tree of commands.
import { Argument, type Command } from 'commander';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { commandTree } from '../adapters/cli/command-tree.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../adapters/cli/completion-script.js';

export function registerCompletion(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('print a script that completes commands, apps, environments and branches: source <(nestor completion bash)')
    .addArgument(new Argument('<shell>').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell, _options: unknown, command: Command) => {
      io.out(completionScript(shell, commandTree(command.parent ?? program)));
    });
}
