// `rollback <app> <env> [<history-commit>]`: back to a recorded release, as it was applied.
import { ErrorCode, NestorError } from '../errors.js';
import { checkNotCancelled } from './cancel.js';
import { checkAppAndEnv } from './deploy.js';
import { Stage } from './events.js';
import { whileLocked } from './locked.js';
import { versionOf, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { mergedIfKnown, restoreRelease } from './restore-release.js';
import { stage } from './stage.js';

export interface RollbackInput {
  app: string;
  env: string;
  /** A history commit; the release before the latest when omitted. */
  commit?: string;
  /** Who approved the rollback (environments with `approval`): recorded in its history commit. */
  approvedBy?: string;
}

const COMMIT = /^[0-9a-f]{4,40}$/;

export async function rollback(deps: ReleaseDeps, ctx: ReleaseContext, input: RollbackInput): Promise<ReleaseResult> {
  const { app, env, commit } = input;
  checkAppAndEnv(app, env);
  if (commit !== undefined && !COMMIT.test(commit)) {
    throw new NestorError(ErrorCode.BadInput, `"${commit}" is not a history commit (expected 4 to 40 hexadecimal characters)`);
  }
  return whileLocked(deps, ctx, app, env, `rollback ${app}${commit ? ` to ${commit.slice(0, 7)}` : ''}`, async () => {
    const { loaded, release, latest } = await stage(ctx.onEvent, Stage.Resolve, async () => {
      const [loaded, release, [latest]] = await Promise.all([
        deps.config.load(),
        commit ? deps.history.get(app, env, commit) : deps.history.previous(app, env),
        deps.history.list(app, env, 1),
      ]);
      if (!release) {
        throw new NestorError(ErrorCode.BadInput, commit
          ? `no release of ${app} in ${env} at history commit ${commit}`
          : `${app} has no earlier release in ${env} to roll back to`);
      }
      return { loaded, release, latest };
    }, (r) => `release ${r.release.commit.slice(0, 7)}: ${r.release.message}`);
    checkNotCancelled(ctx);
    return restoreRelease(deps, ctx, {
      release, merged: mergedIfKnown(loaded, app, env), previous: latest ? versionOf(latest) : null, reason: `rolled back by ${ctx.user}`, ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
      message: `rollback ${app} to ${release.sha.slice(0, 7)} in ${env} by ${ctx.user}`,
    });
  });
}
