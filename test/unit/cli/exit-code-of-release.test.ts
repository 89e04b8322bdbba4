// One exit code for every release pipeline's result: deploys, rollbacks, scales and config changes.
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeOfRelease } from '../../../src/adapters/cli/exit-codes.js';
import { ReleaseOutcome } from '../../../src/core/release/release-deps.js';

const failed = ['mary-web: CrashLoopBackOff'];

describe('exitCodeOfRelease', () => {
  it.for([
    ['released', ReleaseOutcome.Released, [], ExitCode.Ok],
    ['a dry run', ReleaseOutcome.DryRun, [], ExitCode.Ok],
    ['a config change committed while nothing runs', ReleaseOutcome.Committed, [], ExitCode.Ok],
    ['a config change already so', ReleaseOutcome.Unchanged, [], ExitCode.Ok],
    ['a rollback asked for', ReleaseOutcome.RolledBack, [], ExitCode.Ok],
    ['rolled back after a failed rollout', ReleaseOutcome.RolledBack, failed, ExitCode.RolledBack],
    ['failed', ReleaseOutcome.Failed, failed, ExitCode.Failed],
    ['released with failures (a change whose release had failures never exits 0)', ReleaseOutcome.Released, failed, ExitCode.Failed],
  ] as const)('%s: %s → %s', ([, outcome, failures, code]) => {
    expect(exitCodeOfRelease({ outcome, failures: [...failures] })).toBe(code);
  });
});
