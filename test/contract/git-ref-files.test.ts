// Heads read from a clone's ref files are what git itself says, whether the refs are loose or
// packed; a layout the reader does not know (a symbolic ref) is left to git.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRefFiles } from '../../src/adapters/git/ref-files.js';
import { cleanupFixtures, git, tempDir } from '../support/git-fixtures.js';

afterAll(cleanupFixtures);

const NAMES = ['refs/heads/main', 'refs/remotes/origin/main', 'refs/heads/absent'];

function repoWithTwoBranches(): string {
  const dir = tempDir();
  git(dir, 'init', '--quiet', '--initial-branch=main');
  for (const n of ['1', '2']) {
    writeFileSync(join(dir, 'f'), n);
    git(dir, 'add', 'f');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', n);
  }
  git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD~1');
  return dir;
}

function fromGit(dir: string): Map<string, string | undefined> {
  return new Map(NAMES.map((name) => {
    try {
      return [name, git(dir, 'rev-parse', '--verify', '--quiet', name).trim()];
    } catch {
      return [name, undefined];
    }
  }));
}

describe('readRefFiles', () => {
  it('reads loose and packed refs as git does, an absent ref as undefined', async () => {
    const dir = repoWithTwoBranches();
    expect(fromGit(dir).get('refs/heads/absent')).toBeUndefined();
    expect(await readRefFiles(dir, NAMES)).toEqual(fromGit(dir));
    git(dir, 'pack-refs', '--all');
    expect(await readRefFiles(dir, NAMES)).toEqual(fromGit(dir));
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', '3');
    expect(await readRefFiles(dir, NAMES)).toEqual(fromGit(dir));
  });

  it('leaves a symbolic ref, and a folder that is no repository, to git', async () => {
    const dir = repoWithTwoBranches();
    git(dir, 'symbolic-ref', 'refs/remotes/origin/main', 'refs/heads/main');
    expect(await readRefFiles(dir, NAMES)).toBeUndefined();
    expect(await readRefFiles(tempDir(), NAMES)).toBeUndefined();
  });
});
