// deploy, rollback, unpin: the release pipelines run in-process, progress printed line by line.
import type { Command } from 'commander';
import { releaseDepsFor, type CliIo } from '../cli-context.js';
import { cliReleaseContext as context, finishRelease, withDeployment } from '../finish-release.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { interruptible } from '../interrupt.js';

export function registerRelease(program: Command, io: CliIo): void {
  grammarCommand(program, ['deploy'])
    .option('--dry-run', 'print the plan and the diff; change nothing')
    .option('--force-conflicts', 'take over fields another field manager owns')
    .action(onParsed('deploy', async ({ app, ref, env }, options: { dryRun?: boolean; forceConflicts?: boolean }, command) => {
      const [{ deploy }, deps] = [await import('../../../core/release/deploy.js'), releaseDepsFor(io, command)];
      // A dry run releases nothing: no Deployment.
      const result = options.dryRun
        ? await interruptible(io, (signal) => deploy(deps, context(io, signal), { app, ref, env, ...options }))
        : await withDeployment(io, { app, env, ref }, (jobId) => interruptible(io, (signal) => deploy(deps, context(io, signal, jobId), { app, ref, env, ...options })));
      finishRelease(io, result, options.dryRun ?? false);
    }));

  grammarCommand(program, ['rollback'])
    .action(onParsed('rollback', async ({ app, env, commit }, _options, command) => {
      const [{ rollback }, deps] = [await import('../../../core/release/rollback.js'), releaseDepsFor(io, command)];
      const result = await withDeployment(io, { app, env }, (jobId) => interruptible(io, (signal) => rollback(deps, context(io, signal, jobId), { app, env, ...(commit ? { commit } : {}) })));
      finishRelease(io, result);
    }));

  program
    .command('unpin')
    .description('let scheduled promotions deploy an app again: lifts its pin (after a rollback) and ends the hold of a person\'s deploy on the version sync')
    .argument('<app>').argument('<env>')
    .action(async (app: string, env: string, _options, command: Command) => {
      (await import('../../../core/release/deploy.js')).checkAppAndEnv(app, env);
      const deps = releaseDepsFor(io, command);
      const { holdNow } = await import('../../../core/fleet/version-sync.js');
      const [pin, hold] = await Promise.all([deps.history.getPin(app, env), holdNow(deps, app, env)]);
      if (!pin && !hold) {
        io.out(`${app} is neither pinned nor held in ${env}\n`);
        return;
      }
      if (pin) {
        await deps.history.unpin(app, env, io.user);
        io.out(`${app} unpinned in ${env} (was pinned by ${pin.by}: ${pin.reason})\n`);
      }
      if (hold) {
        await deps.history.endHold(app, env, { by: io.user, at: new Date(deps.clock.now()).toISOString() });
        io.out(`${app} no longer held in ${env} (${hold.user} deployed ${hold.ref ?? hold.sha.slice(0, 7)} at ${hold.at}, held until ${hold.until}): the version sync moves it again\n`);
      }
    });
}
