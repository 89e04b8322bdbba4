// Stopping a release on request (ReleaseContext.signal): the two points where it is safe.
import { ErrorCode, NestorError } from '../errors.js';
import type { ReleaseContext } from './release-deps.js';

export function cancelledError(): NestorError {
  return new NestorError(ErrorCode.Cancelled, 'cancelled before anything was applied: nothing changed');
}

/** Before the first change (a Secret, a commit, an apply): stop there when asked to. */
export function checkNotCancelled(ctx: ReleaseContext): void {
  if (ctx.signal?.aborted) throw cancelledError();
}

/** The failure a cancelled rollout wait reports: it is then rolled back as any failed rollout. */
export function cancelledRollout(ctx: ReleaseContext): string {
  return `cancelled by ${ctx.user} while waiting for the rollout`;
}
