import { Command } from 'commander';
import type { CliIo } from './cli-context.js';
import { registerConfig, registerEnvs } from './commands/config-commands.js';
import { registerRender } from './commands/render.js';
import { registerValidate } from './commands/validate.js';

export type Register = (program: Command, io: CliIo) => void;

const COMMANDS: readonly Register[] = [registerRender, registerValidate, registerConfig, registerEnvs];

export function buildProgram(io: CliIo, extra: readonly Register[] = []): Command {
  const program = new Command('nestor')
    .description('deploy and operate microservices on Kubernetes')
    .option('-c, --config <dir>', 'nestor-config folder (default: $NESTOR_CONFIG, then ./nestor-config)')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of [...COMMANDS, ...extra]) register(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}
