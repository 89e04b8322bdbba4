// scale, config get|set|unset: thin wrappers over the release pipelines, their commands made
// from the grammar table (config-commands.ts adds `config show`).
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { cliReleaseContext as context, finishRelease, withDeployment } from '../finish-release.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { CliExit, configFolder, releaseDepsFor, type CliIo } from '../cli-context.js';
import { interruptible } from '../interrupt.js';

export function registerConfigChange(program: Command, io: CliIo): void {
  grammarCommand(program, ['scale'])
    .action(onParsed('scale', async ({ app, env, scales }, _options, command) => {
      const [{ describeScale, scale }, deps] = [await import('../../../core/release/scale.js'), releaseDepsFor(io, command)];
      finishRelease(io, await withDeployment(io, { app, env }, (jobId) => interruptible(io, (signal) => scale(deps, context(io, signal, jobId), { app, env, specs: scales.map(describeScale) }))));
    }));

  grammarCommand(program, ['config', 'get'])
    .action(onParsed('config-get', async ({ app, env, keys }, _options, command) => {
      const [{ configView, formatConfigView }, { loadConfigFolder }] = await Promise.all([import('../../../core/release/config-view.js'), import('../../fs/config-folder.js')]);
      const view = configView(await loadConfigFolder(await configFolder(io, command)), app, env, keys);
      io.out(formatConfigView(view));
      for (const key of view.missing) io.err(`${key} is not set for ${app} in ${env}\n`);
      if (view.missing.length > 0) throw new CliExit(ExitCode.Failed);
    }));

  grammarCommand(program, ['config', 'set'])
    .action(onParsed('config-set', async ({ app, env, values, secret }, _options, command) => {
      const [{ configSet }, { SecretValues }] = await Promise.all([import('../../../core/release/config-change.js'), import('../../../core/release/secret-input.js')]);
      const input = secret ? { app, env, secrets: SecretValues.of(values) } : { app, env, variables: values };
      const deps = releaseDepsFor(io, command);
      finishRelease(io, await withDeployment(io, { app, env }, (jobId) => interruptible(io, (signal) => configSet(deps, context(io, signal, jobId), input))));
    }));

  grammarCommand(program, ['config', 'unset'])
    .action(onParsed('config-unset', async ({ app, env, keys }, _options, command) => {
      const [{ configUnset }, deps] = [await import('../../../core/release/config-change.js'), releaseDepsFor(io, command)];
      finishRelease(io, await withDeployment(io, { app, env }, (jobId) => interruptible(io, (signal) => configUnset(deps, context(io, signal, jobId), { app, env, keys }))));
    }));
}
