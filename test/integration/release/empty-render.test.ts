// A render that runs nothing (every process and cron removed) must never reach the cluster: its
// apply would prune every object of the app. Refused at the apply, with nothing changed.
import { afterAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { deploy } from '../../../src/core/release/deploy.js';
import { cleanupFixtures, commitFiles, git } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const ns = 'dev3';
const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const get = (kind: string, name: string) => f.sim.store.get(typeOf(kind), ns, name);
const failure = (promise: Promise<unknown>): Promise<NestorError> =>
  promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as NestorError);

/** A branch `empty` whose Procfile and Cronfile declare nothing (the config's processes and crons then don't apply). */
function emptyBranch(): string {
  git(f.app.dir, 'checkout', '--quiet', '-b', 'empty', 'main');
  const sha = commitFiles(f.app.dir, 'no processes left', { Procfile: '', Cronfile: '' });
  git(f.app.dir, 'checkout', '--quiet', 'main');
  return sha;
}

describe('a render that runs nothing', { timeout: 60_000 }, () => {
  it('is refused at the apply: nothing pruned, applied or recorded', async () => {
    await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'v1.0.0', env: ns });
    expect(get('Deployment', 'mary-web')).toBeDefined();
    expect(get('CronJob', 'mary-purge')).toBeDefined();
    emptyBranch();
    const dry = await deploy(f.deps, f.ctx(), { app: 'mary', ref: 'empty', env: ns, dryRun: true });
    expect(dry.changes.filter((c) => c.change === 'delete').map((c) => c.object).sort()).toEqual([
      'CronJob dev3/mary-purge', 'Deployment dev3/mary-web', 'HorizontalPodAutoscaler dev3/mary-web', 'Ingress dev3/mary', 'Service dev3/mary',
    ]);
    expect(f.events).toContainEqual({ type: 'warning', message: expect.stringContaining('runs nothing (no process, no cron') });
    const writes = f.sim.faults.count({ method: 'PATCH' }) + f.sim.faults.count({ method: 'DELETE' });

    const error = await failure(deploy(f.deps, f.ctx(), { app: 'mary', ref: 'empty', env: ns }));
    expect(error.code).toBe(ErrorCode.RenderFailed);
    expect(error.message).toBe('the render of mary for kapten_dev_eu-w1 runs nothing (no process, no cron: check the Procfile and Cronfile): '
      + 'refusing to apply it, which would prune 5 objects of the app');
    expect(f.sim.faults.count({ method: 'PATCH' }) + f.sim.faults.count({ method: 'DELETE' })).toBe(writes);
    for (const [kind, name] of [['Deployment', 'mary-web'], ['CronJob', 'mary-purge'], ['Service', 'mary'], ['Ingress', 'mary'], ['HorizontalPodAutoscaler', 'mary-web']]) {
      expect(get(kind!, name!), `${kind} ${name}`).toBeDefined();
    }
    expect(f.events).toContainEqual({ type: 'stage', stage: 'apply', status: 'failed', message: error.message });
    expect(await f.history.list('mary', ns)).toHaveLength(1);
    expect(await f.deps.locks.current(appLockKey('mary', ns))).toBeUndefined();
  });
});
