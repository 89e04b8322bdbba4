import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeHistoryRemote, FakeReleaseHistory } from '../../src/testkit/fakes/git/fake-release-history.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import type { ReleaseHistory } from '../../src/core/ports/release-history.js';
import { cleanupFixtures, git, makeBareRepo, tempDir } from '../support/git-fixtures.js';
import { release, releaseHistoryContract, type HistoryWorld } from './release-history.contract.js';

afterAll(cleanupFixtures);

releaseHistoryContract('fake', async () => {
  const remote = new FakeHistoryRemote();
  return {
    open: (options = {}) => new FakeReleaseHistory({ remote, ...options }),
    setRemoteReachable: async (reachable) => {
      remote.reachable = reachable;
    },
    dumpRemote: async () => JSON.stringify(remote.commits.map((c) => [c.message, [...c.tree]])),
    restart: (writer) => (writer as FakeReleaseHistory).restarted(),
  } satisfies HistoryWorld;
});

function gitWorld(): HistoryWorld & { remote: string } {
  const parent = tempDir();
  const remote = makeBareRepo(parent);
  let writers = 0;
  const opened = new Map<ReleaseHistory, { workDir: string; key?: string }>();
  const writer = (workDir: string, options: { key?: string } = {}): GitReleaseHistory => {
    const history = new GitReleaseHistory({ remote, workDir, ...options });
    opened.set(history, { workDir, ...options });
    return history;
  };
  return {
    remote,
    open: (options = {}) => writer(join(parent, `work-${(writers += 1)}`), options),
    restart: (history) => {
      const { workDir = '', ...options } = opened.get(history) ?? {};
      return writer(workDir, options);
    },
    setRemoteReachable: async (reachable) => {
      if (reachable) renameSync(`${remote}.down`, remote);
      else renameSync(remote, `${remote}.down`);
    },
    dumpRemote: async () => git(remote, 'log', '--all', '--patch', '--format=%H%n%B'),
  };
}

releaseHistoryContract('git', async () => gitWorld());

describe('GitReleaseHistory', () => {
  it('keeps the history linear under concurrent writers and stores manifests at <env>/<app>/<cluster>.yaml', async () => {
    const world = gitWorld();
    const [a, b] = [world.open(), world.open()];
    await Promise.all([1, 2, 3].flatMap((i) => [a.record(release({}, { jobId: `a${i}` })), b.record(release({ env: 'dev4' }, { jobId: `b${i}` }))]));
    expect(git(world.remote, 'rev-list', '--count', 'main').trim()).toBe('6');
    expect(git(world.remote, 'rev-list', '--merges', 'main').trim()).toBe('');
    expect(git(world.remote, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort()).toEqual([
      'dev3/mary/kapten_dev_eu-w1.yaml',
      'dev3/mary/release.json',
      'dev4/mary/kapten_dev_eu-w1.yaml',
      'dev4/mary/release.json',
    ]);
    const message = git(world.remote, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^deploy mary@1a2b3c4 \(feature-x\) to dev[34] by alice\n\n/);
    expect(message).toMatch(/^Job-Id: [ab]3$/m);
  });

  it('publishes a pending commit with the next record once the remote is back', async () => {
    const world = gitWorld();
    const writer = world.open();
    await world.setRemoteReachable(false);
    await expect(writer.record(release({}, { jobId: 'p1' }))).rejects.toMatchObject({ code: 'history_pending' });
    await world.setRemoteReachable(true);
    await writer.record(release({ app: 'john' }, { jobId: 'p2' }));
    expect(git(world.remote, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'deploy john@1a2b3c4 (feature-x) to dev3 by alice',
      'deploy mary@1a2b3c4 (feature-x) to dev3 by alice',
    ]);
  });
});
