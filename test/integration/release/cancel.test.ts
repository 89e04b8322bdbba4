// A release stopped on request (ReleaseContext.signal, Ctrl-C in the shell): before anything is
// applied it ends with nothing changed; while it waits for its rollout it is rolled back as a
// failed rollout is; the lock is free afterwards either way.
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';
import type { ReleaseContext } from '../../../src/core/release/release-deps.js';
import { scale } from '../../../src/core/release/scale.js';
import { cleanupFixtures, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const ns = 'dev3';
const imageOf = (name: string) =>
  (f.sim.store.get(typeOf('Deployment'), ns, name)?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;

/** A context whose signal aborts at the first event `when` matches. */
function cancelling(when: (e: ReleaseEvent) => boolean, user = 'alice'): ReleaseContext {
  const controller = new AbortController();
  const ctx = f.ctx(user);
  return {
    ...ctx, signal: controller.signal,
    onEvent: (e) => {
      ctx.onEvent(e);
      if (when(e)) controller.abort();
    },
  };
}

const stageStarted = (name: string) => (e: ReleaseEvent) => e.type === 'stage' && e.stage === name && e.status === 'started';

async function lockIsFree(): Promise<boolean> {
  const attempt = await f.deps.locks.acquire(appLockKey('mary', ns), { id: 'probe', user: 'probe', operation: 'probe' }, 1000);
  if (attempt.held) await attempt.release();
  return attempt.held;
}

describe('a release cancelled', () => {
  it('before the apply: nothing applied, nothing recorded, the lock free', async () => {
    const run = deploy(f.deps, cancelling(stageStarted('diff')), { app: 'mary', ref: 'feature-x', env: ns });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Cancelled, message: 'cancelled before anything was applied: nothing changed' });
    expect(f.sim.faults.count({ method: 'PATCH' })).toBe(0);
    expect(await f.history.list('mary', ns)).toHaveLength(0);
    expect(await lockIsFree()).toBe(true);
  });

  it('while waiting for the rollout: rolled back to the last good release, as a failed rollout is', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    const result = await deploy(f.deps, cancelling(stageStarted('rollout'), 'bob'), { app: 'mary', ref: 'feature-x', env: ns });
    expect(result.outcome).toBe('rolled-back');
    expect(result.failures).toEqual(['cancelled by bob while waiting for the rollout']);
    expect(result.message).toContain(`rollout of mary@${f.app.shas.feature.slice(0, 7)} in dev3 failed: cancelled by bob while waiting for the rollout; rolled back to ${f.app.shas.first.slice(0, 7)}`);
    expect(imageOf('mary-web')).toBe(`docker.com/kapten/mary:${f.app.shas.first}`);
    expect((await f.history.list('mary', ns)).map((r) => r.kind)).toEqual(['rollback', 'deploy']);
    expect(await lockIsFree()).toBe(true);
  });

  it('while waiting behind another holder of the lock: stops waiting, nothing changed', async () => {
    const holder = await f.deps.locks.acquire(appLockKey('mary', ns), { id: 'other-job', user: 'carol', operation: 'deploy mary@main' }, 60_000);
    expect(holder.held).toBe(true);
    const run = deploy(f.deps, cancelling((e) => e.type === 'waiting'), { app: 'mary', ref: 'feature-x', env: ns });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(f.events.some((e) => e.type === 'waiting' && e.message.includes('carol'))).toBe(true);
    expect(f.sim.faults.count({ method: 'PATCH' })).toBe(0);
  });

  it('a config change before its commit: nothing committed', async () => {
    const before = git(f.configDir, 'rev-parse', 'HEAD');
    const run = scale(f.deps, cancelling((e) => e.type === 'stage' && e.stage === 'resolve' && e.status === 'finished'), { app: 'mary', env: ns, specs: ['web=2:4'] });
    await expect(run).rejects.toBeInstanceOf(NestorError);
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(git(f.configDir, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(f.configDir, 'status', '--porcelain')).toBe('');
  });
});
