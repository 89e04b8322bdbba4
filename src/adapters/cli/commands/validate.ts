import type { Command } from 'commander';
import { ConfigError } from '../../../core/errors.js';
import { configFolder, type CliIo } from '../cli-context.js';

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check every app in every environment: config files, merge, templates and manifests')
    .action(async (_options, command: Command) => {
      const [{ validateAll }, { readConfigFolder }, { loadTemplateSet }] = await Promise.all([
        import('../../../core/render/index.js'), import('../../fs/config-folder.js'), import('../../fs/templates.js'),
      ]);
      const dir = await configFolder(io, command);
      const [files, templates] = await Promise.all([readConfigFolder(dir), loadTemplateSet(dir)]);
      const report = validateAll(files, templates, io.env);
      if (report.problems.length > 0) throw new ConfigError(report.problems);
      io.err(`ok: ${report.environments} environments, ${report.appEnvironments} app-environments rendered and valid\n`);
    });
}
