// Ctrl-C during a change run from the command line (deploy, rollback, scale, config set|unset),
// as in the shell: the first stops the release where it is safe (ReleaseContext.signal: before
// anything is applied nothing changes; while it waits for the rollout it is rolled back as a
// failed rollout is; once available it finishes), says which, and the lock is released as the
// command ends; a second one quits at once.
import { ReleaseOutcome } from '../../core/release/release-deps.js';
import type { CliIo } from './cli-context.js';
import { ExitCode } from './exit-codes.js';

/** Who delivers SIGINT, and how to quit at once: the process. */
export interface Interrupts {
  on(event: 'SIGINT', fn: () => void): unknown;
  off(event: 'SIGINT', fn: () => void): unknown;
  exit(code: number): void;
}

const STOPPING = '^C: stopping. Before the apply nothing changes; while waiting for the rollout it is rolled back; after that it finishes (^C again quits at once)\n';
const QUITTING = '^C again: quitting now, wherever the release is; the lock it holds is taken over by the next command on this machine\n';

/** How a release stopped by Ctrl-C ended, in one line. */
function stopNote(outcome: string): string {
  if (outcome === ReleaseOutcome.RolledBack) return 'stopped: the release was rolled back, as a failed rollout is';
  if (outcome === ReleaseOutcome.Failed) return 'stopped: the release failed';
  return 'Ctrl-C came too late to stop it: the change was applied and available, so it finished';
}

/**
 * Runs a change with a signal that the first Ctrl-C aborts. A change stopped before anything was
 * applied throws NestorError(Cancelled) (exit 130); any other end is said in one line on stderr.
 */
export async function interruptible<T extends { outcome: string }>(io: CliIo, run: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  const interrupts = io.interrupts;
  if (!interrupts) return run();
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (!controller.signal.aborted) {
      io.err(STOPPING);
      controller.abort();
      return;
    }
    io.err(QUITTING);
    interrupts.exit(ExitCode.Interrupted);
  };
  interrupts.on('SIGINT', onInterrupt);
  try {
    const result = await run(controller.signal);
    if (controller.signal.aborted) io.err(`${stopNote(result.outcome)}\n`);
    return result;
  } finally {
    interrupts.off('SIGINT', onInterrupt);
  }
}
