// The end of every command that runs a release pipeline (deploy, rollback, scale, config set|unset).
import { randomUUID } from 'node:crypto';
import { describeEvent } from '../../core/release/events.js';
import type { ReleaseContext, ReleaseResult } from '../../core/release/release-deps.js';
import { CliExit, type CliIo } from './cli-context.js';
import { ExitCode, exitCodeOfRelease } from './exit-codes.js';

/** Prints the result (its diff first when asked) and ends with its exit code. */
export function finishRelease(io: CliIo, result: ReleaseResult, showDiff = false): void {
  if (showDiff && result.diff) io.out(result.diff);
  io.out(`${result.message}\n`);
  const code = exitCodeOfRelease(result);
  if (code !== ExitCode.Ok) throw new CliExit(code);
}

/** A CLI run's release context: the user, a fresh job id, progress printed line by line, Ctrl-C as `signal`. */
export function cliReleaseContext(io: CliIo, signal?: AbortSignal): ReleaseContext {
  return { user: io.user, jobId: `cli-${randomUUID()}`, onEvent: (e) => io.out(`${describeEvent(e)}\n`), ...(signal ? { signal } : {}) };
}
