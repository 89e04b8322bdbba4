import { Command } from 'commander';
import type { CliIo } from './cli-context.js';
import { registerCi } from './commands/ci-command.js';
import { registerConfigChange } from './commands/config-change-commands.js';
import { registerConfig, registerEnvs } from './commands/config-commands.js';
import { registerDatastore } from './commands/datastore-commands.js';
import { registerHistory } from './commands/history-commands.js';
import { registerKubectlHelpers } from './commands/kubectl-helpers.js';
import { registerRender } from './commands/render.js';
import { registerStagingRelease } from './commands/staging-release-command.js';
import { registerSync } from './commands/sync-commands.js';
import { registerSchedules } from './commands/schedule-commands.js';
import { registerRelease } from './commands/release-commands.js';
import { registerReport } from './commands/report-command.js';
import { registerRun } from './commands/run-command.js';
import { registerUnlock } from './commands/unlock.js';
import { registerValidate } from './commands/validate.js';

export type Register = (program: Command, io: CliIo) => void;

const COMMANDS: readonly Register[] = [registerRender, registerValidate, registerConfig, registerConfigChange, registerEnvs, registerRelease, registerHistory, registerUnlock, registerSchedules, registerStagingRelease, registerReport, registerSync, registerCi, registerDatastore, registerKubectlHelpers, registerRun];

export function buildProgram(io: CliIo, extra: readonly Register[] = []): Command {
  const program = new Command('nestor')
    .description('deploy and operate microservices on Kubernetes')
    .option('-c, --config <dir|repo>', 'nestor-config: a folder, or a repository URL or bare repository worked on through a clone in the state folder (default: $NESTOR_CONFIG, then ./nestor-config)')
    .option('--history <repo>', 'release history repository, a path or URL (default: $NESTOR_HISTORY, then <state>/history.git)')
    .option('--kubeconfig <file>', 'kubeconfig whose contexts are named by cluster_name (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--state <dir>', "Nestor's own files: locks, git mirrors and clones (default: $NESTOR_STATE, then ./.nestor)")
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of [...COMMANDS, ...extra]) register(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}
