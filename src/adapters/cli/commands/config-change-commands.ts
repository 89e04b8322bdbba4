// scale, config get|set|unset: thin wrappers over the release pipelines (the `config` command
// itself, with `show`, comes from config-commands.ts).
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { parseAssignments } from '../../../core/config/edit-args.js';
import { configSet, configUnset } from '../../../core/release/config-change.js';
import { configView, formatConfigView } from '../../../core/release/config-view.js';
import { describeEvent } from '../../../core/release/events.js';
import type { ReleaseContext } from '../../../core/release/release-deps.js';
import { scale } from '../../../core/release/scale.js';
import { SecretValues } from '../../../core/release/secret-input.js';
import { loadConfigFolder } from '../../fs/config-folder.js';
import { ExitCode } from '../exit-codes.js';
import { finishRelease } from '../finish-release.js';
import { CliExit, configFolder, releaseDepsFor, type CliIo } from '../cli-context.js';
import { interruptible } from '../interrupt.js';

function context(io: CliIo, signal?: AbortSignal): ReleaseContext {
  return { user: io.user, jobId: `cli-${randomUUID()}`, onEvent: (e) => io.out(`${describeEvent(e)}\n`), ...(signal ? { signal } : {}) };
}

function configCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'config') ?? program.command('config').description('read and change the configuration of an app');
}

export function registerConfigChange(program: Command, io: CliIo): void {
  program
    .command('scale')
    .description('set the replicas of processes, commit it to nestor-config and release it')
    .argument('<app>').argument('<env>').argument('<specs...>', '<process>=<min>[:<max>], e.g. web=3:9 worker=2')
    .action(async (app: string, env: string, specs: string[], _options, command: Command) => {
      const deps = releaseDepsFor(io, command);
      finishRelease(io, await interruptible(io, (signal) => scale(deps, context(io, signal), { app, env, specs })));
    });

  const config = configCommand(program);
  config
    .command('get')
    .description('print the variables of an app (secrets masked) and the file each comes from')
    .argument('<app>').argument('<env>').argument('[keys...]')
    .action(async (app: string, env: string, keys: string[], _options, command: Command) => {
      const view = configView(await loadConfigFolder(await configFolder(io, command)), app, env, keys);
      io.out(formatConfigView(view));
      for (const key of view.missing) io.err(`${key} is not set for ${app} in ${env}\n`);
      if (view.missing.length > 0) throw new CliExit(ExitCode.Failed);
    });

  config
    .command('set')
    .description('set variables (a commit to nestor-config), then release the running version')
    .argument('<app>').argument('<env>').argument('<assignments...>', 'KEY=VALUE')
    .option('--secret', 'store the values in the Kubernetes Secret <app>-secrets; the config only names them')
    .action(async (app: string, env: string, assignments: string[], options: { secret?: boolean }, command: Command) => {
      const values = parseAssignments(assignments);
      const input = options.secret ? { app, env, secrets: SecretValues.of(values) } : { app, env, variables: values };
      const deps = releaseDepsFor(io, command);
      finishRelease(io, await interruptible(io, (signal) => configSet(deps, context(io, signal), input)));
    });

  config
    .command('unset')
    .description('remove variables or secrets (a commit to nestor-config), then release the running version')
    .argument('<app>').argument('<env>').argument('<keys...>')
    .action(async (app: string, env: string, keys: string[], _options, command: Command) => {
      const deps = releaseDepsFor(io, command);
      finishRelease(io, await interruptible(io, (signal) => configUnset(deps, context(io, signal), { app, env, keys })));
    });
}
