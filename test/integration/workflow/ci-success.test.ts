// The branch workflow of a CI success on real git: a bare origin, the app's commits pushed to
// it, GitAppBranches moving its branches; the delivery record in memory (one instance stands for
// Redis, whose adapter has its own test).
import { afterEach, describe, expect, it } from 'vitest';
import { GitAppBranches } from '../../../src/adapters/git/git-app-branches.js';
import { loadConfigTree } from '../../../src/core/config/index.js';
import type { ReleaseEvent } from '../../../src/core/release/events.js';
import { createTemplateSet } from '../../../src/core/render/template-compiler.js';
import type { ImageBuilds } from '../../../src/core/ports/image-builds.js';
import { ciSuccess, CiOutcome, type CiSuccessDeps } from '../../../src/core/workflow/ci-success.js';
import { MemoryCiDeliveries } from '../../../src/testkit/fakes/memory/memory-ci-deliveries.js';
import { MemoryLocks } from '../../../src/testkit/fakes/memory/memory-locks.js';
import { ManualClock } from '../../../src/testkit/fakes/time/manual-clock.js';
import { BASE_PROJECT, files } from '../../support/config-fixtures.js';
import { cleanupFixtures, commitFiles, git, makeBareRepo, tempDir } from '../../support/git-fixtures.js';

afterEach(cleanupFixtures);

interface World {
  origin: string;
  work: string;
  deps: CiSuccessDeps;
  builds: string[];
  events: ReleaseEvent[];
  run(branch: string, sha: string): ReturnType<typeof ciSuccess>;
  remote(ref: string): string | undefined;
}

/** mary's origin with master at one commit and greenlight at it; `workflow` lines for production/project.yaml. */
function world(workflow: string[] = []): World {
  const root = tempDir();
  const origin = makeBareRepo(root);
  const work = `${root}/work`;
  git(root, 'clone', '--quiet', origin, work);
  git(work, 'checkout', '--quiet', '-b', 'master');
  commitFiles(work, 'first', { Procfile: 'web: node server.js\n' });
  git(work, 'push', '--quiet', 'origin', 'master', 'master:greenlight');
  const tree = loadConfigTree(files({
    'production/project.yaml': [...BASE_PROJECT, ...workflow],
    'production/apps/mary.yaml': ['app: mary', `git: { origin: ${origin} }`],
    'staging/project.yaml': ['parent: production'],
  }));
  const builds: string[] = [];
  const imageBuilds: ImageBuilds = { ensure: async (app, sha) => (builds.push(`${app}@${sha}`), { state: 'built', image: `reg.test/acme/${app}:${sha}` }) };
  const deps: CiSuccessDeps = {
    config: { load: async () => ({ tree, templates: createTemplateSet([]) }) },
    branches: new GitAppBranches({ cacheDir: `${root}/cache` }),
    deliveries: new MemoryCiDeliveries(),
    locks: new MemoryLocks(),
    builds: imageBuilds,
    wallClock: new ManualClock(Date.parse('2026-12-02T07:00:00Z')),
  };
  const events: ReleaseEvent[] = [];
  let jobs = 0;
  return {
    origin, work, deps, builds, events,
    run: (branch, sha) => ciSuccess(deps, { user: 'ci', jobId: `job-${++jobs}`, onEvent: (e) => events.push(e) }, { app: 'mary', branch, sha, source: 'cli' }),
    remote: (ref) => git(root, 'ls-remote', origin, ref).split('\t')[0] || undefined,
  };
}

/** A new commit on master of the work clone, pushed. */
function pushMaster(w: World, subject: string): string {
  const sha = commitFiles(w.work, subject, { [`${subject}.txt`]: subject });
  git(w.work, 'push', '--quiet', 'origin', 'master');
  return sha;
}

describe('a CI success through the default workflow', () => {
  it('on master tags the commit, builds its image and fast-forwards greenlight', async () => {
    const w = world();
    const sha = pushMaster(w, 'second');
    const result = await w.run('master', sha);
    expect(result.outcome).toBe(CiOutcome.Done);
    expect(result.tag).toEqual({ name: `ci-20261202-${sha.slice(0, 7)}`, state: 'created' });
    expect(w.remote(`refs/tags/ci-20261202-${sha.slice(0, 7)}`)).toBe(sha);
    expect(w.builds).toEqual([`mary@${sha}`]);
    expect(result.moves).toMatchObject([{ state: 'fast-forwarded', branch: 'greenlight', sha }]);
    expect(w.remote('refs/heads/greenlight')).toBe(sha);
    expect(w.events.filter((e) => e.type === 'stage' && e.status === 'finished').map((e) => e.type === 'stage' && e.stage)).toEqual(['tag', 'image', 'branches']);
  });

  it('told twice, does nothing the second time: no tag, no build, no move', async () => {
    const w = world();
    const sha = pushMaster(w, 'second');
    await w.run('master', sha);
    const again = await w.run('master', sha);
    expect(again.outcome).toBe(CiOutcome.AlreadyDone);
    expect(again.message).toContain('by job job-1');
    expect(w.builds).toHaveLength(1);
    expect(git(w.work, 'ls-remote', '--tags', w.origin).trim().split('\n')).toHaveLength(1);
  });

  it('on greenlight creates the branches that do not exist yet, and neither tags nor builds', async () => {
    const w = world();
    const sha = w.remote('refs/heads/greenlight')!;
    const result = await w.run('greenlight', sha);
    expect(result.moves.map((m) => `${m.branch} ${m.state}`)).toEqual(['terminator created', 'staging created', 'shadow created']);
    expect(result.tag).toBeUndefined();
    expect(w.builds).toEqual([]);
    expect(w.remote('refs/heads/shadow')).toBe(sha);
  });

  it('leaves a greenlight with commits of its own where it is, names them, never forces; the other steps are done', async () => {
    const w = world();
    const before = w.remote('refs/heads/master')!;
    git(w.work, 'checkout', '--quiet', '-b', 'greenlight', before);
    const hotfix = commitFiles(w.work, 'hotfix only on greenlight', { 'fix.txt': 'fix' });
    git(w.work, 'push', '--quiet', 'origin', 'greenlight');
    git(w.work, 'checkout', '--quiet', 'master');
    const sha = pushMaster(w, 'second');
    const result = await w.run('master', sha);
    expect(result.outcome).toBe(CiOutcome.Failed);
    expect(result.moves).toMatchObject([{ state: 'refused', branch: 'greenlight', from: hotfix, ownCommits: [{ sha: hotfix, subject: 'hotfix only on greenlight' }] }]);
    expect(result.message).toContain(`greenlight not moved: not a fast-forward, it has 1 commit of its own (${hotfix.slice(0, 7)} hotfix only on greenlight)`);
    expect(w.remote('refs/heads/greenlight')).toBe(hotfix);
    expect(w.remote(`refs/tags/ci-20261202-${sha.slice(0, 7)}`)).toBe(sha);
    // Not recorded as done: the next CI success tries the move again, and the tag is not made twice.
    const again = await w.run('master', sha);
    expect(again.outcome).toBe(CiOutcome.Failed);
    expect(again.tag?.state).toBe('exists');
    expect(w.remote('refs/heads/greenlight')).toBe(hotfix);
  });
});

describe('a workflow set in project.yaml', () => {
  const rebasing = ['workflow:', '  master: { moves: [greenlight], rebase: true }'];

  it('rebases a branch with commits of its own onto the commit, keeping them', async () => {
    const w = world(rebasing);
    git(w.work, 'checkout', '--quiet', '-b', 'greenlight', w.remote('refs/heads/master')!);
    commitFiles(w.work, 'hotfix', { 'fix.txt': 'fix' });
    git(w.work, 'push', '--quiet', 'origin', 'greenlight');
    git(w.work, 'checkout', '--quiet', 'master');
    const sha = pushMaster(w, 'second');
    const result = await w.run('master', sha);
    expect(result.outcome).toBe(CiOutcome.Done);
    expect(result.moves).toMatchObject([{ state: 'rebased', branch: 'greenlight', replayed: 1 }]);
    const tip = w.remote('refs/heads/greenlight')!;
    git(w.work, 'fetch', '--quiet', 'origin');
    expect(git(w.work, 'log', '--format=%s', `${sha}..${tip}`).trim()).toBe('hotfix');
    expect(git(w.work, 'merge-base', '--is-ancestor', sha, tip)).toBe('');
  });

  it('a rebase that conflicts leaves the branch as it was and names the commit it stopped at', async () => {
    const w = world(rebasing);
    git(w.work, 'checkout', '--quiet', '-b', 'greenlight', w.remote('refs/heads/master')!);
    const mine = commitFiles(w.work, 'greenlight edits the Procfile', { Procfile: 'web: node other.js\n' });
    git(w.work, 'push', '--quiet', 'origin', 'greenlight');
    git(w.work, 'checkout', '--quiet', 'master');
    const sha = commitFiles(w.work, 'master edits the Procfile', { Procfile: 'web: node server.js --port 80\n' });
    git(w.work, 'push', '--quiet', 'origin', 'master');
    const result = await w.run('master', sha);
    expect(result.outcome).toBe(CiOutcome.Failed);
    expect(result.moves).toMatchObject([{ state: 'refused', branch: 'greenlight', conflict: { sha: mine, subject: 'greenlight edits the Procfile' } }]);
    expect(w.remote('refs/heads/greenlight')).toBe(mine);
  });

  it('a branch without a step changes nothing', async () => {
    const w = world(rebasing);
    const result = await w.run('feature-x', w.remote('refs/heads/master')!);
    expect(result.outcome).toBe(CiOutcome.NoStep);
    expect(result.message).toBe(`no workflow step for feature-x: CI success of mary@feature-x (${result.sha.slice(0, 7)}) changes nothing`);
  });
});
