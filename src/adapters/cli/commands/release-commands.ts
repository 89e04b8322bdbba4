// deploy, rollback, unpin: the release pipelines run in-process, progress printed line by line.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { deploy } from '../../../core/release/deploy.js';
import { describeEvent } from '../../../core/release/events.js';
import type { ReleaseContext } from '../../../core/release/release-deps.js';
import { rollback } from '../../../core/release/rollback.js';
import { checkAppAndEnv } from '../../../core/release/deploy.js';
import { releaseDepsFor, type CliIo } from '../cli-context.js';
import { finishRelease } from '../finish-release.js';
import { interruptible } from '../interrupt.js';

function context(io: CliIo, signal?: AbortSignal): ReleaseContext {
  return { user: io.user, jobId: `cli-${randomUUID()}`, onEvent: (e) => io.out(`${describeEvent(e)}\n`), ...(signal ? { signal } : {}) };
}

export function registerRelease(program: Command, io: CliIo): void {
  program
    .command('deploy')
    .description('deploy a branch, tag or commit of an app to an environment')
    .argument('<app>').argument('<ref>').argument('<env>')
    .option('--dry-run', 'print the plan and the diff; change nothing')
    .option('--force-conflicts', 'take over fields another field manager owns')
    .action(async (app: string, ref: string, env: string, options: { dryRun?: boolean; forceConflicts?: boolean }, command: Command) => {
      const deps = releaseDepsFor(io, command);
      const result = await interruptible(io, (signal) => deploy(deps, context(io, signal), { app, ref, env, ...options }));
      finishRelease(io, result, options.dryRun ?? false);
    });

  program
    .command('rollback')
    .description('apply an earlier release again, exactly as it was, and pin the app there')
    .argument('<app>').argument('<env>').argument('[history-commit]', 'default: the release before the latest')
    .action(async (app: string, env: string, commit: string | undefined, _options, command: Command) => {
      const deps = releaseDepsFor(io, command);
      const result = await interruptible(io, (signal) => rollback(deps, context(io, signal), { app, env, ...(commit ? { commit } : {}) }));
      finishRelease(io, result);
    });

  program
    .command('unpin')
    .description('let scheduled promotions deploy an app again after a rollback')
    .argument('<app>').argument('<env>')
    .action(async (app: string, env: string, _options, command: Command) => {
      checkAppAndEnv(app, env);
      const deps = releaseDepsFor(io, command);
      const pin = await deps.history.getPin(app, env);
      if (!pin) {
        io.out(`${app} is not pinned in ${env}\n`);
        return;
      }
      await deps.history.unpin(app, env, io.user);
      io.out(`${app} unpinned in ${env} (was pinned by ${pin.by}: ${pin.reason})\n`);
    });
}
