// The commander program as a command tree: what the shell routes to the CLI and what completion
// offers come from the program itself, never from a list kept by hand.
import type { Command } from 'commander';
import type { CommandNode } from '../../core/commands/command-tree.js';

export function commandTree(command: Command): CommandNode {
  const help = command.createHelp();
  return {
    name: command.name(),
    subcommands: help.visibleCommands(command).map(commandTree),
    options: help.visibleOptions(command).flatMap((o) => {
      const flag = o.long ?? o.short;
      return flag ? [{ flag, takesValue: o.required || o.optional }] : [];
    }),
    args: command.registeredArguments.map((a) => ({ name: a.name(), required: a.required, variadic: a.variadic })),
  };
}
