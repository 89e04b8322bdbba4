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

/** A CLI run's release context: the user, a fresh job id (or `jobId`), progress printed line by line, Ctrl-C as `signal`. */
export function cliReleaseContext(io: CliIo, signal?: AbortSignal, jobId = cliJobId()): ReleaseContext {
  return { user: io.user, jobId, onEvent: (e) => io.out(`${describeEvent(e)}\n`), ...(signal ? { signal } : {}) };
}

export const cliJobId = (): string => `cli-${randomUUID()}`;

/**
 * Runs a release pipeline as a code host Deployment (when one is configured, see
 * CliIo.deployments): created in progress with `ref` (a deploy's) when it starts, or at its end
 * with the released sha; success or failure with its result. The command ends once GitHub was
 * told (or failed, which fails no release).
 */
export async function withDeployment(
  io: CliIo, start: { app: string; env: string; ref?: string }, run: (jobId: string) => Promise<ReleaseResult>,
): Promise<ReleaseResult> {
  const jobId = cliJobId();
  const deployments = io.deployments?.();
  const end = deployments?.begin({ ...start, jobId });
  try {
    const result = await run(jobId);
    end?.(result);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    end?.({ outcome: 'failed', app: start.app, env: start.env, message, historyPending: false, changes: [], failures: [], diff: '' });
    throw error;
  } finally {
    await deployments?.settled();
  }
}
