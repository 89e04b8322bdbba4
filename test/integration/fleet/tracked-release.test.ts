// The tracked (staging) release on real parts: real app repositories, the example config, the
// kube simulator and a real history repository. Every app of staging follows `master`.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitSourceRepo } from '../../../src/adapters/git/git-source-repo.js';
import { releaseTracked, type TrackedRelease } from '../../../src/core/fleet/tracked-release.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import type { ReleaseDeps, ReleaseResult } from '../../../src/core/release/release-deps.js';
import { cleanupFixtures, commitFiles, git, makeAppRepo, tempDir } from '../../support/git-fixtures.js';
import { useReleaseFixture } from '../../support/release-fixture.js';

const f = useReleaseFixture();
afterAll(() => cleanupFixtures());

const ENV = 'staging';
/** mary, gandalf and pricing come from the example config; alpha is a plain web app of staging's own. */
const APPS = ['alpha', 'gandalf', 'mary', 'pricing'];

/** Gives every app of staging its own repository with a `master` branch; returns their folders. */
function trackedWorld(): Record<string, string> {
  const dirs: Record<string, string> = { mary: f.app.dir };
  for (const app of APPS.filter((a) => a !== 'mary')) {
    dirs[app] = makeAppRepo(tempDir()).dir;
    const file = join(f.configDir, ENV, 'apps', `${app}.yaml`);
    const own = app === 'alpha' ? ['app: alpha', 'port: 8080', 'processes: { web: node server.js }'] : [];
    writeFileSync(file, [...own, `git: { origin: ${dirs[app]} }`, ''].join('\n'));
  }
  // Each app's own commit, so that no two apps share an image sha.
  for (const [app, dir] of Object.entries(dirs)) {
    commitFiles(dir, `${app} starts`, { APP: `${app}\n` });
    git(dir, 'branch', 'master', 'main');
  }
  return dirs;
}

function move(dir: string, subject: string): string {
  git(dir, 'checkout', '--quiet', 'master');
  const sha = commitFiles(dir, subject, { CHANGE: `${subject}\n` });
  git(dir, 'checkout', '--quiet', 'main');
  return sha;
}

const run = (deps: ReleaseDeps = f.deps, jobId = `run-${Math.random().toString(36).slice(2, 8)}`, extra: { parallelism?: number; dryRun?: boolean; signal?: AbortSignal; afterDeploy?: (result: ReleaseResult) => void } = {}) => {
  const { signal, ...input } = extra;
  return releaseTracked(deps, { user: 'nestor', jobId, onEvent: () => undefined, ...(signal ? { signal } : {}) }, { env: ENV, ...input });
};
const outcomes = (r: TrackedRelease) => Object.fromEntries(r.apps.map((a) => [a.app, a.outcome]));
const head = (dir: string) => git(dir, 'rev-parse', 'master').trim();

describe('release-tracked', { timeout: 120_000 }, () => {
  it('releases every app at first, then exactly the apps whose branch moved; unchanged apps are never cloned', async () => {
    const dirs = trackedWorld();
    const dry = await run(f.deps, 'dry', { dryRun: true });
    expect(outcomes(dry)).toEqual({ alpha: 'moved', gandalf: 'moved', mary: 'moved', pricing: 'moved' });
    const mirrors = join(dirname(f.configDir), 'mirrors');
    expect(existsSync(mirrors) ? readdirSync(mirrors) : []).toEqual([]);

    const first = await run();
    expect(first).toMatchObject({ env: ENV, branch: 'master', parallelism: 4, channel: 'tech-release-staging' });
    expect(outcomes(first)).toEqual({ alpha: 'released', gandalf: 'released', mary: 'released', pricing: 'released' });
    for (const app of APPS) expect((await f.history.list(app, ENV))[0]).toMatchObject({ sha: head(dirs[app]!), ref: 'master', user: 'nestor' });

    const moved = { alpha: move(dirs.alpha!, 'alpha moves'), mary: move(dirs.mary!, 'mary moves') };
    // A new process with an empty git cache: only what moved is cloned.
    const cache = tempDir();
    const second = await run({ ...f.deps, source: new GitSourceRepo({ cacheDir: cache }) });
    expect(outcomes(second)).toEqual({ alpha: 'released', gandalf: 'unchanged', mary: 'released', pricing: 'unchanged' });
    expect(second.apps.find((a) => a.app === 'mary')).toMatchObject({ sha: moved.mary, previous: first.apps.find((a) => a.app === 'mary')!.sha });
    expect(readdirSync(cache).filter((d) => d.endsWith('.git'))).toHaveLength(2);
    for (const app of ['gandalf', 'pricing']) expect(await f.history.list(app, ENV)).toHaveLength(1);
    for (const app of ['alpha', 'mary'] as const) expect((await f.history.list(app, ENV)).map((r) => r.sha)).toEqual([moved[app], first.apps.find((a) => a.app === app)!.sha]);

    expect(outcomes(await run())).toEqual({ alpha: 'unchanged', gandalf: 'unchanged', mary: 'unchanged', pricing: 'unchanged' });
  });

  it('skips a pinned app, saying who pinned it and why', async () => {
    const dirs = trackedWorld();
    await run();
    const [release] = await f.history.list('pricing', ENV);
    await f.history.pin('pricing', ENV, { commit: release!.commit, by: 'carol', reason: 'holding pricing for the audit' });
    move(dirs.pricing!, 'pricing moves');
    move(dirs.gandalf!, 'gandalf moves');
    const result = await run();
    expect(outcomes(result)).toEqual({ alpha: 'unchanged', gandalf: 'released', mary: 'unchanged', pricing: 'skipped' });
    expect(result.apps.find((a) => a.app === 'pricing')).toMatchObject({ sha: release!.sha, skip: { reason: 'pinned', by: 'carol', why: 'holding pricing for the audit' } });
    expect(await f.history.list('pricing', ENV)).toHaveLength(1);
  });

  it('rolls a broken app back and pins it without stopping the others', async () => {
    const dirs = trackedWorld();
    const first = await run();
    const broken = move(dirs.alpha!, 'alpha breaks');
    const fixed = move(dirs.mary!, 'mary moves');
    move(dirs.gandalf!, 'gandalf moves');
    f.sim.controllers.options.crashingImages = [broken];
    const announced: string[] = [];
    const result = await run(f.deps, 'broken', { parallelism: 1, afterDeploy: (r) => announced.push(`${r.app} ${r.outcome}`) });
    expect(outcomes(result)).toEqual({ alpha: 'failed', gandalf: 'released', mary: 'released', pricing: 'unchanged' });
    const alpha = result.apps.find((a) => a.app === 'alpha')!;
    expect(alpha).toMatchObject({ sha: broken, result: { outcome: 'rolled-back', sha: first.apps.find((a) => a.app === 'alpha')!.sha } });
    expect(alpha.message).toContain('rolled back to');
    expect((await f.history.list('mary', ENV))[0]!.sha).toBe(fixed);
    expect(await f.history.getPin('alpha', ENV)).toMatchObject({ by: 'nestor' });
    expect(announced.sort()).toEqual(['alpha rolled-back', 'gandalf released', 'mary released']);
    // The next run leaves the pinned app alone.
    const next = await run();
    expect(next.apps.find((a) => a.app === 'alpha')).toMatchObject({ outcome: 'skipped', skip: { reason: 'pinned', by: 'nestor' } });
  });

  it('after a run stopped half-way, the next run releases only the rest, each app once', async () => {
    const dirs = trackedWorld();
    await run();
    for (const app of APPS) move(dirs[app]!, `${app} moves`);
    const stop = new AbortController();
    const stopped = await run(f.deps, 'firing-1', { parallelism: 1, signal: stop.signal, afterDeploy: () => stop.abort() });
    const done = stopped.apps.filter((a) => a.outcome === 'released').map((a) => a.app);
    expect(done).toHaveLength(1);
    expect(stopped.apps.filter((a) => a.outcome === 'skipped').every((a) => a.skip?.reason === 'stopped')).toBe(true);
    // The same firing taken over (its worker died), then the next firing.
    const rest = await run(f.deps, 'firing-1');
    expect(rest.apps.filter((a) => a.outcome === 'released').map((a) => a.app).sort()).toEqual(APPS.filter((a) => !done.includes(a)));
    expect(outcomes(await run(f.deps, 'firing-2'))).toEqual({ alpha: 'unchanged', gandalf: 'unchanged', mary: 'unchanged', pricing: 'unchanged' });
    for (const app of APPS) {
      const shas = (await f.history.list(app, ENV)).map((r) => r.sha);
      expect(shas).toHaveLength(2);
      expect(shas[0]).toBe(head(dirs[app]!));
    }
  });

  it('reports an app locked by someone else as busy at once, and releases the others', async () => {
    const dirs = trackedWorld();
    await run();
    for (const app of APPS) move(dirs[app]!, `${app} moves`);
    const held = await f.deps.locks.acquire(appLockKey('mary', ENV), { id: 'job-bob', user: 'bob', operation: 'deploy mary@feature-x' }, 60_000);
    const result = await run();
    expect(outcomes(result)).toEqual({ alpha: 'released', gandalf: 'released', mary: 'skipped', pricing: 'released' });
    expect(result.apps.find((a) => a.app === 'mary')).toMatchObject({ skip: { reason: 'busy', by: 'job-bob' } });
    expect(result.apps.find((a) => a.app === 'mary')!.message).toContain('deploy mary@feature-x by bob');
    if (held.held) await held.release();
    expect(outcomes(await run())).toMatchObject({ mary: 'released', alpha: 'unchanged' });
  });

  it('refuses an environment that needs approvals, an unknown one, and reports an app without the branch as failed', async () => {
    trackedWorld();
    await expect(releaseTracked(f.deps, { user: 'n', jobId: 'p', onEvent: () => undefined }, { env: 'production' })).rejects.toThrow('production needs an approval for each release');
    await expect(releaseTracked(f.deps, { user: 'n', jobId: 'u', onEvent: () => undefined }, { env: 'stagin' })).rejects.toThrow('unknown environment "stagin"; did you mean "staging"?');
    writeFileSync(join(f.configDir, ENV, 'apps', 'gandalf.yaml'), `git: { origin: ${makeAppRepo(tempDir()).dir} }\n`);
    const result = await run();
    expect(result.apps.find((a) => a.app === 'gandalf')).toMatchObject({ outcome: 'failed' });
    expect(result.apps.find((a) => a.app === 'gandalf')!.message).toContain('no branch, tag or commit named master');
  });
});
