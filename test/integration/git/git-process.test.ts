// How a git run through openGit ends: simple-git alone takes a git that exits without a word on
// stderr for a success with whatever output came, which hides a git stopped by a signal or one
// whose fatal message was lost. Real git, a repository of its own; the aliases stand in for git
// dying or failing (a `!` alias runs through the shell and git exits with its status).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGit } from '../../../src/adapters/git/git-process.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = tempDir('git-process-');
  await openGit(dir).init();
  // Written by git itself: simple-git refuses aliases given on its command line.
  execFileSync('git', ['config', 'alias.die', '!echo partial; kill -KILL $PPID'], { cwd: dir });
  execFileSync('git', ['config', 'alias.fatal', '!exit 128'], { cwd: dir });
});
afterAll(() => cleanupFixtures());

describe('openGit', () => {
  it('fails a git stopped by a signal, even with nothing on stderr', async () => {
    await expect(openGit(dir).raw(['die'])).rejects.toThrow(/git was stopped by a signal/);
  });

  it('fails a fatal exit (128 and up) that printed nothing', async () => {
    await expect(openGit(dir).raw(['fatal'])).rejects.toThrow('git exited with code 128 and no message');
  });

  it("keeps git's own message of a failure", async () => {
    await expect(openGit(dir).raw(['rev-parse', '--verify', 'no-such-branch'])).rejects.toThrow(/fatal: Needed a single revision/);
  });

  it('runs git without a shell: shell syntax in an argument is data, never run', async () => {
    const marker = join(dir, 'pwned');
    const value = `$(touch ${marker}); touch ${marker} \`touch ${marker}\` | touch ${marker}`;
    await openGit(dir).raw(['config', 'nestor.note', value]);
    expect(await openGit(dir).raw(['config', '--get', 'nestor.note'])).toBe(`${value}\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it('answers a quiet exit 1 as before: `config --get` of nothing is empty, not a failure', async () => {
    expect(await openGit(dir).raw(['config', '--get', 'nestor.nothing'])).toBe('');
  });
});
