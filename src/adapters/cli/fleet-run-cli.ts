// What the CLI commands that run over an environment's apps share (`nestor sync versions|config`;
// `nestor release-tracked` is their elder): the parallelism option, a line per app as it ends
// (with its detail lines), Ctrl-C that starts no new app, the counts at the end and exit 1 when
// an app failed. Core modules are loaded by the actions, not here.
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import type { FleetPipeline, SyncInput, TrackedApp } from '../../core/fleet/fleet-run.js';
import { CliExit, releaseDepsFor, type CliIo } from './cli-context.js';
import { ExitCode } from './exit-codes.js';

export function parallelismOption(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1)) throw new InvalidArgumentError('expected a whole number of apps at once per cluster, 1 or more');
  return n;
}

export function appLine(a: TrackedApp): string {
  const sha = a.sha ? ` ${a.sha.slice(0, 7)}` : '';
  const details = (a.details ?? []).map((line) => `          ${line}\n`).join('');
  return `${a.outcome.padEnd(9)} ${a.app}${sha}: ${a.message}\n${details}`;
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

/** Runs `pipeline` in-process as the CLI's user; prints each app as it ends, then the counts. */
export async function runFleetCommand(io: CliIo, command: Command, pipeline: FleetPipeline, input: Omit<SyncInput, 'onApp'>): Promise<void> {
  const { countsLine } = await import('../../core/fleet/tracked-release-messages.js');
  const deps = releaseDepsFor(io, command);
  // Each app released gets its code host Deployment at its end, as the worker's runs do (after releaseDepsFor: it makes them).
  const deployments = io.deployments?.();
  const afterRelease: SyncInput['afterRelease'] = deployments ? (result, ctx) => deployments.begin({ app: result.app, env: result.env, jobId: ctx.jobId })(result) : undefined;
  const stop = stopOnInterrupt(io);
  const ctx = { user: io.user, jobId: `cli-${randomUUID()}`, onEvent: () => undefined, ...(stop.signal ? { signal: stop.signal } : {}) };
  try {
    const run = await pipeline(deps, ctx, { ...input, onApp: (a) => io.out(appLine(a)), ...(afterRelease ? { afterRelease } : {}) });
    io.out(`${run.dryRun ? 'dry run: ' : ''}${run.title}: ${countsLine(run)}\n`);
    if (run.apps.some((a) => a.outcome === 'failed')) throw new CliExit(ExitCode.Failed);
    if (stop.signal?.aborted) throw new CliExit(ExitCode.Interrupted);
  } finally {
    stop.done();
    await deployments?.settled();
  }
}
