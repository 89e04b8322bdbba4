import type { Command } from 'commander';
import { configFolder, line, type CliIo } from '../cli-context.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';

export function registerEnvs(program: Command, io: CliIo): void {
  grammarCommand(program, ['envs']).action(onParsed('envs', async (_envs, _options, command) => {
    const [{ showEnvironmentTree }, { loadConfigFolder }] = await Promise.all([import('../../../core/config/environment-tree.js'), import('../../fs/config-folder.js')]);
    const tree = await loadConfigFolder(await configFolder(io, command));
    io.out(showEnvironmentTree(tree));
  }));
}

export function registerConfig(program: Command, io: CliIo): void {
  grammarCommand(program, ['config'])
    .command('show')
    .description('print the merged configuration of an app in an environment')
    .argument('<app>')
    .argument('<env>')
    .option('--origin', 'show the file and line each value comes from')
    .action(async (app: string, env: string, options: { origin?: boolean }, command: Command) => {
      const [{ appConfig, showConfig }, { loadConfigFolder }] = await Promise.all([import('../../../core/config/index.js'), import('../../fs/config-folder.js')]);
      const tree = await loadConfigFolder(await configFolder(io, command));
      io.out(line(showConfig(appConfig(tree, app, env), options.origin ?? false)));
    });
}
