import type { Command } from 'commander';
import { appConfig, showConfig, showEnvironmentTree } from '../../../core/config/index.js';
import { loadConfigFolder } from '../../fs/config-folder.js';
import { configFolder, line, type CliIo } from '../cli-context.js';

export function registerEnvs(program: Command, io: CliIo): void {
  program
    .command('envs')
    .description('list environments as a tree under their parents')
    .action(async (_options, command: Command) => {
      const tree = await loadConfigFolder(await configFolder(io, command));
      io.out(showEnvironmentTree(tree));
    });
}

export function registerConfig(program: Command, io: CliIo): void {
  const config = program.command('config').description('show, get, set and unset the configuration of an app');
  config
    .command('show')
    .description('print the merged configuration of an app in an environment')
    .argument('<app>')
    .argument('<env>')
    .option('--origin', 'show the file and line each value comes from')
    .action(async (app: string, env: string, options: { origin?: boolean }, command: Command) => {
      const tree = await loadConfigFolder(await configFolder(io, command));
      io.out(line(showConfig(appConfig(tree, app, env), options.origin ?? false)));
    });
}
