import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSourceRepo } from '../../src/testkit/fakes/git/fake-source-repo.js';
import { GitSourceRepo } from '../../src/adapters/git/git-source-repo.js';
import { APP_SCENARIO, cleanupFixtures, commitFiles, makeAppRepo, tempDir } from '../support/git-fixtures.js';
import { sourceRepoContract, type SourceRepoWorld } from './source-repo.contract.js';

afterAll(cleanupFixtures);

sourceRepoContract('fake', async () => {
  const repo = new FakeSourceRepo();
  const origin = 'git@example.com:kapten/mary.git';
  const first = repo.commit(origin, 'main', APP_SCENARIO.first.subject, APP_SCENARIO.first.changes);
  repo.tag(origin, 'v1.0.0', first);
  const second = repo.commit(origin, 'main', APP_SCENARIO.second.subject, APP_SCENARIO.second.changes);
  repo.tag(origin, 'v1.1.0', second);
  repo.branch(origin, 'feature-x', second);
  const feature = repo.commit(origin, 'feature-x', APP_SCENARIO.feature.subject, APP_SCENARIO.feature.changes);
  const unreachableOrigin = 'git@example.com:kapten/gone.git';
  repo.setReachable(unreachableOrigin, false);
  return {
    repo,
    origin,
    unreachableOrigin,
    shas: { first, second, feature },
    pushToMain: async (subject, changes) => repo.commit(origin, 'main', subject, changes),
  } satisfies SourceRepoWorld;
});

sourceRepoContract('git', async () => {
  const parent = tempDir();
  const app = makeAppRepo(parent);
  return {
    repo: new GitSourceRepo({ cacheDir: join(parent, 'cache') }),
    origin: app.dir,
    unreachableOrigin: join(parent, 'missing.git'),
    shas: app.shas,
    pushToMain: async (subject, changes) => commitFiles(app.dir, subject, changes),
  } satisfies SourceRepoWorld;
});

describe('GitSourceRepo', () => {
  it('keeps one bare mirror per origin and never clones for a refused ref', async () => {
    const parent = tempDir();
    const app = makeAppRepo(parent);
    const cacheDir = join(parent, 'cache');
    const repo = new GitSourceRepo({ cacheDir });
    await expect(repo.resolve(app.dir, '$(touch pwned)')).rejects.toThrow(/invalid ref/);
    expect(existsSync(cacheDir)).toBe(false);
    await repo.resolve(app.dir, 'main');
    await repo.resolve(app.dir, app.shas.first);
    expect(readdirSync(cacheDir).filter((d) => d.endsWith('.git'))).toHaveLength(1);
  });
});
