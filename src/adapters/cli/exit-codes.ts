// The exit codes of `nestor`, one place for every command: what a script can tell apart.
import { CommanderError } from 'commander';
import { ErrorCode, isNestorError } from '../../core/errors.js';
import { ReleaseOutcome, type ReleaseResult } from '../../core/release/release-deps.js';

export const ExitCode = {
  Ok: 0,
  /** Something went wrong on the way (cluster, git, a rollout with nothing to roll back to, a bug). */
  Failed: 1,
  /** The command line, a setting or the configuration it reads is wrong; nothing was changed. */
  BadInput: 2,
  /** Not allowed now: not authorized, the app is locked by another operation, fields owned by another manager. */
  Refused: 3,
  /** The rollout failed and the previous release was put back (and pinned). */
  RolledBack: 4,
  /** Stopped by Ctrl-C before anything was applied (nothing changed), or quit at once by a second Ctrl-C: 128 + SIGINT. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// Codes not listed are failures.
const BY_ERROR_CODE: Partial<Record<ErrorCode, ExitCode>> = {
  [ErrorCode.BadInput]: ExitCode.BadInput,
  [ErrorCode.ConfigInvalid]: ExitCode.BadInput,
  [ErrorCode.ConfigNotFound]: ExitCode.BadInput,
  [ErrorCode.RenderFailed]: ExitCode.BadInput,
  [ErrorCode.MissingEnvironmentValue]: ExitCode.BadInput,
  [ErrorCode.NotAuthorized]: ExitCode.Refused,
  [ErrorCode.Locked]: ExitCode.Refused,
  [ErrorCode.Conflict]: ExitCode.Refused,
  [ErrorCode.Cancelled]: ExitCode.Interrupted,
};

export function exitCodeOfError(error: unknown): ExitCode {
  // Commander's usage errors (unknown command or option, missing argument) exit 1 by default.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  return isNestorError(error) ? (BY_ERROR_CODE[error.code] ?? ExitCode.Failed) : ExitCode.Failed;
}

/**
 * Every release pipeline's result (deploy, rollback, scale, config set|unset). A manual rollback
 * that worked is a success; an automatic one after a failed rollout is not; a config change
 * committed but not released (nothing runs) or with nothing to do is a success.
 */
export function exitCodeOfRelease(result: Pick<ReleaseResult, 'outcome' | 'failures'>): ExitCode {
  if (result.outcome === ReleaseOutcome.RolledBack && result.failures.length > 0) return ExitCode.RolledBack;
  if (result.outcome === ReleaseOutcome.Failed || result.failures.length > 0) return ExitCode.Failed;
  return ExitCode.Ok;
}
