import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderConfigRepo } from '../../../src/adapters/fs/folder-config-repo.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { cleanupFixtures, commitFiles, git, tempDir } from '../../support/git-fixtures.js';

afterAll(cleanupFixtures);

const alice = { author: { name: 'alice', email: 'alice@example.com' }, message: 'scale mary in dev3: web=2 (by alice)' };
const MARY = 'dev3/apps/mary.yaml';

function gitFolder(): string {
  const dir = tempDir('nestor-folder-repo-');
  git(dir, 'init', '--quiet', '--initial-branch=main');
  commitFiles(dir, 'seed', { [MARY]: 'app: mary\n', 'dev3/project.yaml': 'env: dev3\n' });
  return dir;
}

describe('FolderConfigRepo on a git work tree', () => {
  it('commits only the edited file, authored by the user', async () => {
    const dir = gitFolder();
    writeFileSync(join(dir, 'dev3/project.yaml'), 'env: dev3\n# staged by someone\n');
    git(dir, 'add', 'dev3/project.yaml');
    const repo = new FolderConfigRepo(dir);
    const result = await repo.update(MARY, (old) => `${old ?? ''}teams: [a]\n`, alice);
    expect(result.changed).toBe(true);
    expect(result.commit).toBe(git(dir, 'rev-parse', 'HEAD').trim());
    expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn|%s').trim()).toBe('alice <alice@example.com>|Nestor|scale mary in dev3: web=2 (by alice)');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe(MARY);
    expect(git(dir, 'status', '--porcelain').trim()).toBe('M  dev3/project.yaml');
    expect(await repo.readFile(MARY)).toBe('app: mary\nteams: [a]\n');
  });

  it('creates a new file, skips a no-op edit, and leaves no temp file behind', async () => {
    const dir = gitFolder();
    const repo = new FolderConfigRepo(dir);
    const created = await repo.update('dev1/apps/mary.yaml', () => 'app: mary\n', alice);
    expect(created.changed).toBe(true);
    expect(await repo.update('dev1/apps/mary.yaml', (old) => old ?? '', alice)).toEqual({ commit: created.commit, changed: false });
    expect(readdirSync(join(dir, 'dev1/apps'))).toEqual(['mary.yaml']);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('puts the file back when the commit fails', async () => {
    const dir = gitFolder();
    writeFileSync(join(dir, '.git/index.lock'), '');
    const error = await new FolderConfigRepo(dir).update(MARY, () => 'changed\n', alice).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: true });
    expect((error as Error).message).toBe(`could not commit ${MARY} in the nestor-config folder: nothing was changed`);
    expect(readFileSync(join(dir, MARY), 'utf8')).toBe('app: mary\n');
  });

  it('serialises writers on one folder so that no change is lost', async () => {
    const dir = gitFolder();
    await Promise.all([0, 1, 2].map((i) => new FolderConfigRepo(dir).update(MARY, (old) => `${old ?? ''}line${i}: x\n`, alice)));
    const text = readFileSync(join(dir, MARY), 'utf8');
    for (const i of [0, 1, 2]) expect(text).toContain(`line${i}: x`);
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('4');
  });
});

describe('FolderConfigRepo on a plain folder', () => {
  it('writes the file without git', async () => {
    const dir = tempDir('nestor-folder-plain-');
    mkdirSync(join(dir, 'dev3'));
    const repo = new FolderConfigRepo(dir);
    expect(await repo.update(MARY, () => 'app: mary\n', alice)).toEqual({ commit: '', changed: true });
    expect(readFileSync(join(dir, MARY), 'utf8')).toBe('app: mary\n');
    expect(existsSync(join(dir, '.git'))).toBe(false);
    expect(await repo.checkout()).toBe(dir);
  });

  it('refuses paths out of the folder and a missing folder', async () => {
    const dir = tempDir('nestor-folder-plain-');
    const repo = new FolderConfigRepo(dir);
    for (const path of ['../x.yaml', '/etc/passwd', 'a/../../b', '.git/config', '']) {
      await expect(repo.readFile(path)).rejects.toMatchObject({ code: ErrorCode.BadInput });
    }
    await expect(new FolderConfigRepo(join(dir, 'missing')).update(MARY, () => 'x\n', alice)).rejects.toMatchObject({ code: ErrorCode.ConfigNotFound });
  });
});
