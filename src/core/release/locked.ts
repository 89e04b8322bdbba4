// The one lock of an app in an environment around a release pipeline. A queued job's runner has
// taken it already (ctx.lock): the pipeline then runs within it instead of taking it again. The
// CLI's and the shell's pipelines take it here.
import { appLockKey, describeHolder, type LockOwner } from '../ports/locks.js';
import { cancelledError } from './cancel.js';
import { tuningOf, type ReleaseContext, type ReleaseDeps } from './release-deps.js';
import { withLock } from './with-lock.js';

/** Runs `fn` holding the lock of the app in the environment; waiting behind another is told. */
export function whileLocked<T>(deps: ReleaseDeps, ctx: ReleaseContext, app: string, env: string, operation: string, fn: () => Promise<T>): Promise<T> {
  return whileKeyLocked(deps, ctx, appLockKey(app, env), `${app} in ${env}`, operation, fn);
}

/** Runs `fn` holding the lock `key` (`busy`: what it guards, for "waiting behind" lines), unless the job's runner holds it already. */
export function whileKeyLocked<T>(
  deps: Pick<ReleaseDeps, 'locks' | 'wallClock' | 'tuning'>, ctx: ReleaseContext, key: string, busy: string, operation: string, fn: () => Promise<T>,
): Promise<T> {
  if (ctx.lock?.key === key) {
    const held = ctx.lock;
    return Promise.resolve().then(() => {
      held.assertHeld();
      return fn();
    });
  }
  const tuning = tuningOf(deps);
  const owner: LockOwner = { id: ctx.jobId, user: ctx.user, operation };
  let started = false;
  const locked = withLock(deps.locks, key, owner, {
    ttlMs: tuning.lockTtlMs,
    waitMs: tuning.lockWaitMs,
    pollMs: tuning.lockPollMs,
    // Locks expire in real time in every store: waiting and renewing follow the wall clock.
    clock: deps.wallClock,
    onWaiting: (by) => ctx.onEvent({ type: 'waiting', message: `${busy} is busy: waiting behind ${describeHolder(by)}` }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  }, () => {
    started = true;
    return fn();
  });
  return locked.catch((error: unknown) => {
    throw !started && ctx.signal?.aborted ? cancelledError() : error;
  });
}
