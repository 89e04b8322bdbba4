import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeConfigRepo, FakeConfigStore } from '../../src/testkit/fakes/git/fake-config-repo.js';
import { GitConfigRepo } from '../../src/adapters/git/git-config-repo.js';
import { cleanupFixtures, git, makeSeededRemote, tempDir } from '../support/git-fixtures.js';
import { CONFIG_SEED, configRepoContract, type ConfigWorld } from './config-repo.contract.js';

afterAll(cleanupFixtures);

configRepoContract('fake', async () => {
  const store = new FakeConfigStore(CONFIG_SEED);
  return {
    open: () => new FakeConfigRepo({ store }),
    setRemoteReachable: async (reachable) => {
      store.reachable = reachable;
    },
  } satisfies ConfigWorld;
});

function gitWorld(): ConfigWorld & { remote: string } {
  const parent = tempDir();
  const remote = makeSeededRemote(CONFIG_SEED, parent);
  let writers = 0;
  return {
    remote,
    open: () => new GitConfigRepo({ remote, workDir: join(parent, `work-${(writers += 1)}`) }),
    setRemoteReachable: async (reachable) => {
      if (reachable) renameSync(`${remote}.down`, remote);
      else renameSync(remote, `${remote}.down`);
    },
  };
}

configRepoContract('git', async () => gitWorld());

describe('GitConfigRepo', () => {
  it('commits as the user who asked, with the given message', async () => {
    const world = gitWorld();
    await world.open().update('production/apps/mary.yaml', () => 'app: mary\n', {
      author: { name: 'Alice <evil>', email: 'alice@example.com' },
      message: 'config set mary production FOO\nsecond line',
    });
    expect(git(world.remote, 'log', '-1', '--format=%an <%ae>|%cn|%s', 'main').trim()).toBe(
      'Alice evil <alice@example.com>|Nestor|config set mary production FOO second line',
    );
  });
});
