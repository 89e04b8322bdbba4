// The CLI commands of the verbs Slack also has, made from the grammar table: the same words,
// arguments, options and summaries, and the same checks, because the action reads its words
// back through the chat parser before it runs.
import type { Command as CommanderCommand } from 'commander';
import type { Command, CommandKind } from '../../core/commands/command.js';
import { grammarNode, type ArgumentSpec } from '../../core/commands/grammar.js';
import { isVerb, type CommandPath } from '../../core/commands/help.js';
import { parseAs, parseVerb } from '../../core/commands/verb-parsers.js';

function argumentSyntax(arg: ArgumentSpec): string {
  const name = `${arg.name}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

/** The commander command of a grammar path, created (with its parents) from the table unless another register did first. */
export function grammarCommand(program: CommanderCommand, path: CommandPath): CommanderCommand {
  let parent = program;
  path.forEach((name, i) => {
    const existing = parent.commands.find((c) => c.name() === name);
    if (existing) {
      parent = existing;
      return;
    }
    const node = grammarNode(path.slice(0, i + 1));
    if (!node) throw new Error(`"${path.slice(0, i + 1).join(' ')}" is not in the grammar table`);
    const command = parent.command(name).description(node.summary);
    if (!node.actions) {
      for (const arg of node.args) command.argument(argumentSyntax(arg), arg.description ?? '');
      for (const option of node.options) command.option(option.value ? `${option.flag} ${option.value}` : option.flag, option.description);
    }
    parent = command;
  });
  return parent;
}

function namesOf(command: CommanderCommand): string[] {
  const names: string[] = [];
  for (let at: CommanderCommand | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names;
}

/** `config set` for the commander command of `nestor config set`. */
function pathOf(command: CommanderCommand): CommandPath {
  const [verb, ...rest] = namesOf(command);
  if (verb === undefined || !isVerb(verb)) throw new Error(`"${namesOf(command).join(' ')}" is not a grammar command`);
  return [verb, ...rest];
}

/**
 * Checks the words of a command the table made, as its action will (a CommandSyntaxError when
 * they are wrong); does nothing for the CLI's own commands. Run before loading what the action
 * needs, so that a typo is answered at once.
 */
export function checkGrammarWords(command: CommanderCommand): void {
  const [verb, ...rest] = namesOf(command);
  if (verb === undefined || !isVerb(verb) || grammarNode([verb, ...rest]) === undefined) return;
  parseVerb(verb, chatWords(command, [verb, ...rest]));
}

/**
 * The words after the verb, as the chat parser reads them: actions, the grammar's flags given,
 * arguments (a command line's words after `--`, so that its own options stay its own).
 */
function chatWords(command: CommanderCommand, path: CommandPath): string[] {
  const specs = grammarNode(path)?.args ?? [];
  const args = command.processedArgs.flatMap((a: unknown, i: number) => {
    const words = a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [String(a)];
    return specs[i]?.kind === 'shell-word' ? ['--', ...words] : words;
  });
  const given = (grammarNode(path)?.options ?? []).flatMap((o) => {
    const option = command.options.find((c) => c.long === o.flag);
    const value: unknown = option === undefined ? undefined : command.getOptionValue(option.attributeName());
    if (value === true) return [o.flag];
    return typeof value === 'string' ? [o.flag, value] : [];
  });
  return [...path.slice(1), ...given, ...args];
}

/** A commander action that runs `run` with the typed command the chat parser makes of the same words. */
export function onParsed<K extends CommandKind, O = Record<string, unknown>>(
  kind: K,
  run: (parsed: Extract<Command, { kind: K }>, options: O, command: CommanderCommand) => Promise<void> | void,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as CommanderCommand;
    const path = pathOf(command);
    await run(parseAs(kind, path[0], chatWords(command, path)), command.opts() as O, command);
  };
}
