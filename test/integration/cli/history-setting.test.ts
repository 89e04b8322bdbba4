// The CLI's history clone follows --history / NESTOR_HISTORY from one run to the next: a changed
// setting is the repository read and written, or a one-line refusal while the clone holds
// releases the old repository never received.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitReleaseHistory } from '../../../src/adapters/git/git-release-history.js';
import { runCli } from '../../support/cli-run.js';
import { cleanupFixtures, makeBareRepo, tempDir } from '../../support/git-fixtures.js';
import { release } from '../../contract/release-history.contract.js';

afterAll(() => cleanupFixtures());

describe('nestor history after NESTOR_HISTORY changed', () => {
  it('reads the repository now named, and refuses in one line to leave unpublished releases behind', async () => {
    const cwd = tempDir('nestor-cli-');
    const state = join(cwd, 'state');
    const [first, second] = [makeBareRepo(tempDir()), makeBareRepo(tempDir())];
    await new GitReleaseHistory({ remote: first, workDir: join(cwd, 'writer') }).record(release({}, { jobId: 'on-first' }));
    const history = (remote: string) => runCli(['history', 'mary', 'dev3'], { cwd, env: { NESTOR_HISTORY: remote, NESTOR_STATE: state } });

    expect((await history(first)).stdout).toContain('1a2b3c4 (feature-x)');
    const empty = await history(second);
    expect(empty, empty.stderr).toMatchObject({ code: 0, stdout: 'no releases of mary in dev3\n' });

    // A release this state folder recorded while the second repository was down.
    renameSync(second, `${second}.down`);
    const local = new GitReleaseHistory({ remote: second, workDir: join(state, 'history-work') });
    await expect(local.record(release({ app: 'john' }, { jobId: 'kept' }))).rejects.toMatchObject({ code: 'history_pending' });
    renameSync(`${second}.down`, second);

    const refused = await history(first);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`nestor: ${join(state, 'history-work')} holds 1 commit(s) not yet pushed to ${second}, and the setting now names ${first}: `
      + `set it back to ${second} until they are published, or remove ${join(state, 'history-work')} to drop them\n`);
    const last = await history(second);
    expect(last, last.stderr).toMatchObject({ code: 0, stdout: 'no releases of mary in dev3\n' });
  });
});
