// nestor-config as one shared repository: two workers whose release dependencies are built as
// `nestor worker` builds them (releaseDeps over runtimeSettings, NESTOR_CONFIG a bare
// repository, a state folder each), on the kube simulator and one history repository.
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { configSet } from '../../../src/core/release/config-change.js';
import { deploy } from '../../../src/core/release/deploy.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { scale } from '../../../src/core/release/scale.js';
import { releaseDeps, runtimeSettings } from '../../../src/main/release-runtime.js';
import { cleanupFixtures, git, onNextCommit, pushFromHook, tempDir } from '../../support/git-fixtures.js';
import { releaseFixture, type ReleaseFixture } from '../../support/release-fixture.js';

afterAll(() => cleanupFixtures());

type Spec = { minReplicas?: number; maxReplicas?: number };
const MARY = 'dev3/apps/mary.yaml';

describe('two workers on one shared nestor-config', () => {
  let f: ReleaseFixture;
  let root: string;
  let remote: string;
  const hpa = (ns = 'dev3') => f.sim.store.get(typeOf('HorizontalPodAutoscaler'), ns, 'mary-web')?.spec as Spec | undefined;
  const remoteFile = (path = MARY) => git(remote, 'show', `main:${path}`);
  const remoteHead = () => git(remote, 'rev-parse', 'main').trim();
  const clone = (name: string) => join(root, name, 'config-work');

  function worker(name: string): ReleaseDeps {
    const settings = runtimeSettings(root, {}, { config: remote, state: join(root, name), history: f.historyRemote });
    return { ...releaseDeps({ ...settings, clusters: f.deps.clusters, tuning: f.deps.tuning ?? {} }), clock: f.deps.clock };
  }

  /** Runs `command` in `name`'s config clone the moment that worker commits there (once). */
  const onNextLocalCommit = (name: string, command: string): void => void onNextCommit(clone(name), command);

  let a: ReleaseDeps;
  let b: ReleaseDeps;
  beforeAll(async () => {
    f = await releaseFixture();
    root = tempDir('nestor-shared-config-');
    remote = join(root, 'nestor-config.git');
    git(root, 'clone', '--quiet', '--bare', f.configDir, remote);
    [a, b] = [worker('a'), worker('b')];
    await deploy(a, f.ctx(), { app: 'mary', ref: 'main', env: 'dev3' });
  });
  afterAll(() => f.close());

  it('a scale made by one worker is pushed, and is what the other deploys next', async () => {
    const scaled = await scale(a, f.ctx('alice'), { app: 'mary', env: 'dev3', specs: ['web=2:4'] });
    expect(scaled.outcome).toBe('released');
    expect(git(remote, 'log', '-1', '--format=%an|%s', 'main').trim()).toBe('alice|scale mary in dev3: web=2:4 (by alice)');
    expect(remoteFile()).toMatch(/web: \{ minReplicas: 2, maxReplicas: 4 \}/);

    const deployed = await deploy(b, f.ctx('bob'), { app: 'mary', ref: 'feature-x', env: 'dev3' });
    expect(deployed.outcome).toBe('released');
    expect(hpa()).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(git(clone('b'), 'rev-parse', 'HEAD').trim()).toBe(remoteHead());
  });

  it('keeps both of two concurrent edits of the same app file', async () => {
    // dev1 runs no mary: both changes are commits only, racing on one file.
    const [scaled, set] = await Promise.all([
      scale(a, f.ctx('alice'), { app: 'mary', env: 'dev1', specs: ['web=3:5'] }),
      configSet(b, f.ctx('bob'), { app: 'mary', env: 'dev1', variables: { LOG_LEVEL: 'debug' } }),
    ]);
    expect([scaled.outcome, set.outcome]).toEqual(['committed', 'committed']);
    const text = remoteFile('dev1/apps/mary.yaml');
    expect(text).toMatch(/web:\s+minReplicas: 3\s+maxReplicas: 5/);
    expect(text).toMatch(/LOG_LEVEL: debug/);
    expect(git(remote, 'log', '-2', '--format=%an', 'main').trim().split('\n').sort()).toEqual(['alice', 'bob']);
  });

  it('re-applies an edit on a change another worker pushed between its fetch and its push, and releases both', async () => {
    // The moment worker a commits locally, another writer's scale of the same file lands first.
    const other = join(root, 'other');
    git(root, 'clone', '--quiet', remote, other);
    expect(remoteFile()).toContain('maxReplicas: 4');
    writeFileSync(join(other, MARY), remoteFile().replace('maxReplicas: 4', 'maxReplicas: 5').replace(/\n*$/, '\n# a comment from elsewhere\n'));
    git(other, 'commit', '--quiet', '-am', 'elsewhere');
    onNextLocalCommit('a', pushFromHook(other));
    const set = await configSet(a, f.ctx('alice'), { app: 'mary', env: 'dev3', variables: { FEATURE: 'on' } });
    expect(set.outcome).toBe('released');
    const text = remoteFile();
    expect(text).toContain('# a comment from elsewhere');
    expect(text).toMatch(/FEATURE: "?on"?/);
    expect(git(remote, 'log', '-2', '--format=%s', 'main').trim().split('\n')).toEqual(['config set mary in dev3: FEATURE (by alice)', 'elsewhere']);
    // Released as committed: the other writer's scale with this change.
    expect(set.config?.variables?.['app']?.['FEATURE']).toBe('on');
    expect(hpa()).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
  });

  it('fails a change whose push the remote refuses, leaving the clone and the remote as they were', async () => {
    const [head, before, spec] = [remoteHead(), remoteFile(), hpa()];
    const hook = join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "main is protected" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    try {
      const error = await scale(b, f.ctx('bob'), { app: 'mary', env: 'dev3', specs: ['web=5:7'] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: false });
      expect((error as Error).message).toBe(`scale mary in dev3: not committed: config repository ${remote} refused the change to ${MARY}; nothing was changed`);
    } finally {
      renameSync(hook, `${hook}.off`);
    }
    expect(remoteHead()).toBe(head);
    expect(git(clone('b'), 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(git(clone('b'), 'status', '--porcelain')).toBe('');
    expect(hpa()).toEqual(spec);
    expect(remoteFile()).toBe(before);
  });

  it('fails a change whose remote is gone by the time it pushes, leaving the clone and the remote as they were', async () => {
    const [head, spec] = [remoteHead(), hpa()];
    onNextLocalCommit('a', `mv '${remote}' '${remote}.gone'`);
    const error = await scale(a, f.ctx('alice'), { app: 'mary', env: 'dev3', specs: ['web=6:8'] }).catch((e: unknown) => e);
    renameSync(`${remote}.gone`, remote);
    expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: true });
    expect((error as Error).message).toBe(`scale mary in dev3: not committed: config repository ${remote} is unreachable`);
    expect(remoteHead()).toBe(head);
    expect(git(clone('a'), 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(git(clone('a'), 'status', '--porcelain')).toBe('');
    expect(hpa()).toEqual(spec);
    // Back again: the same change goes through, and the other worker sees it.
    expect((await scale(a, f.ctx('alice'), { app: 'mary', env: 'dev3', specs: ['web=6:8'] })).outcome).toBe('released');
    expect(await b.configRepo.readFile(MARY)).toMatch(/web: \{ minReplicas: 6, maxReplicas: 8 \}/);
  });
});
