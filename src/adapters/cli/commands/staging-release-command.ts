// `nestor release-tracked <env>`: the staging release run by hand (core/fleet/tracked-release.ts),
// in-process, a line per app as it ends and the counts at the end. Ctrl-C starts no new app; the
// releases under way finish (a second Ctrl-C quits at once).
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import type { TrackedApp } from '../../../core/fleet/tracked-release.js';
import { CliExit, releaseDepsFor, type CliIo } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

function parallelism(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1)) throw new InvalidArgumentError('expected a whole number of apps at once per cluster, 1 or more');
  return n;
}

function appLine(a: TrackedApp): string {
  const sha = a.sha ? ` ${a.sha.slice(0, 7)}` : '';
  return `${a.outcome.padEnd(9)} ${a.app}${sha}: ${a.message}\n`;
}

/** Aborts on the first Ctrl-C, quits on the second; returns the signal and how to stop listening. */
function stopOnInterrupt(io: CliIo): { signal?: AbortSignal; done(): void } {
  const interrupts = io.interrupts;
  if (!interrupts) return { done: () => undefined };
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) return interrupts.exit(ExitCode.Interrupted);
    io.err('^C: no other app is started; the releases under way finish (^C again quits at once)\n');
    controller.abort();
  };
  interrupts.on('SIGINT', onInterrupt);
  return { signal: controller.signal, done: () => interrupts.off('SIGINT', onInterrupt) };
}

export function registerStagingRelease(program: Command, io: CliIo): void {
  program
    .command('release-tracked')
    .description("release every app of an environment whose tracked branch (release.tracks, default master) moved since its last release; pinned apps are left alone")
    .argument('<env>')
    .option('--parallelism <n>', 'apps released at once per cluster (default: release.parallelism, then 4)', parallelism)
    .option('--dry-run', 'list the apps whose branch moved; release nothing')
    .action(async (env: string, options: { parallelism?: number; dryRun?: boolean }, command: Command) => {
      const [{ countsLine }, { releaseTracked, TrackedOutcome }] = await Promise.all([
        import('../../../core/fleet/tracked-release-messages.js'), import('../../../core/fleet/tracked-release.js'),
      ]);
      const deps = releaseDepsFor(io, command);
      const stop = stopOnInterrupt(io);
      const ctx = { user: io.user, jobId: `cli-${randomUUID()}`, onEvent: () => undefined, ...(stop.signal ? { signal: stop.signal } : {}) };
      try {
        const run = await releaseTracked(deps, ctx, { env, ...options, onApp: (a) => io.out(appLine(a)) });
        io.out(`${run.dryRun ? 'dry run: ' : ''}${env} follows ${run.branch}: ${countsLine(run)}\n`);
        if (run.apps.some((a) => a.outcome === TrackedOutcome.Failed)) throw new CliExit(ExitCode.Failed);
        if (stop.signal?.aborted) throw new CliExit(ExitCode.Interrupted);
      } finally {
        stop.done();
      }
    });
}
