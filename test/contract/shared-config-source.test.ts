// A shared nestor-config repository as the processes read it: which setting names a repository
// and which a folder, the parsed config kept while the fetched commit stays the same, and the
// CLI's read commands on a clone in the state folder.
import { chmodSync, cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configLocation } from '../../src/adapters/git/config-location.js';
import { GitConfigRepo } from '../../src/adapters/git/git-config-repo.js';
import { sharedConfig } from '../../src/adapters/git/git-config-source.js';
import { ErrorCode } from '../../src/core/errors.js';
import { readSettings } from '../../src/main/bot-settings.js';
import { runtimeSettings } from '../../src/main/release-runtime.js';
import { runCli } from '../support/cli-run.js';
import { EXAMPLE_CONFIG_DIR } from '../support/config-fixtures.js';
import { cleanupFixtures, git, tempDir } from '../support/git-fixtures.js';

afterAll(cleanupFixtures);

const alice = { author: { name: 'Alice', email: 'alice@example.com' }, message: 'edit' };

/** A bare repository holding the example nestor-config, and its work tree. */
function exampleRemote(): { parent: string; remote: string; workTree: string } {
  const parent = tempDir('nestor-shared-config-');
  const workTree = join(parent, 'nestor-config');
  cpSync(EXAMPLE_CONFIG_DIR, workTree, { recursive: true });
  git(workTree, 'init', '--quiet', '--initial-branch=main');
  git(workTree, 'add', '--all');
  git(workTree, 'commit', '--quiet', '-m', 'seed');
  const remote = join(parent, 'nestor-config.git');
  git(parent, 'clone', '--quiet', '--bare', workTree, remote);
  return { parent, remote, workTree };
}

describe('which nestor-config a setting names', () => {
  it('takes URLs and bare repositories as shared repositories, any other path as a folder read in place', () => {
    const { parent, remote, workTree } = exampleRemote();
    for (const url of ['https://github.com/acme/nestor-config.git', 'ssh://git@host/x.git', 'file:///srv/nestor-config', 'git@github.com:acme/nestor-config.git']) {
      expect(configLocation(url, parent)).toEqual({ kind: 'repository', remote: url });
    }
    expect(configLocation('nestor-config.git', parent)).toEqual({ kind: 'repository', remote });
    expect(configLocation('nestor-config', parent)).toEqual({ kind: 'folder', dir: workTree });
    expect(configLocation(EXAMPLE_CONFIG_DIR, parent)).toEqual({ kind: 'folder', dir: EXAMPLE_CONFIG_DIR });
    expect(configLocation('missing', parent)).toEqual({ kind: 'folder', dir: join(parent, 'missing') });
  });

  it('lets nestor bot and nestor worker take a repository URL as NESTOR_CONFIG, cloned in their state folder', () => {
    const cwd = tempDir('nestor-bot-');
    const url = 'git@github.com:acme/nestor-config.git';
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: url, NESTOR_HISTORY: 'git@github.com:acme/nestor-history.git' };
    const read = readSettings('bot', env, cwd);
    expect(read).toMatchObject({ ok: true, settings: { configDir: url } });
    if (!read.ok) return;
    expect(runtimeSettings(cwd, env, { config: read.settings.configDir }).config).toEqual({ kind: 'repository', remote: url });
    expect(readSettings('bot', { ...env, NESTOR_CONFIG: 'nope' }, cwd)).toEqual({ ok: false, line: 'nestor bot: invalid NESTOR_CONFIG (no such folder, nor a repository URL)' });
  });
});

describe('the config of a shared repository', () => {
  it('is parsed again only when the fetched commit moved', async () => {
    const { parent, remote } = exampleRemote();
    const { config } = sharedConfig(remote, join(parent, 'state', 'config-work'));
    const first = await config.load();
    expect(first.revision).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(await config.load()).toBe(first);

    const other = new GitConfigRepo({ remote, workDir: join(parent, 'other') });
    const path = 'dev3/apps/mary.yaml';
    await other.update(path, (text) => `${text ?? ''}\n# changed elsewhere\n`, alice);
    const second = await config.load();
    expect(second).not.toBe(first);
    expect(second.revision).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(second.tree.environments.get('dev3')?.apps.get('mary')?.file.text).toContain('# changed elsewhere');
    expect(await config.load()).toBe(second);
  });

  it('costs one fetch for a burst of reads (the bot answering many commands at once)', async () => {
    const { parent, remote } = exampleRemote();
    const workDir = join(parent, 'config-work');
    const { config } = sharedConfig(remote, workDir);
    const first = await config.load();
    const fetches = join(parent, 'fetches.log');
    const counter = join(parent, 'upload-pack');
    writeFileSync(counter, `#!/bin/sh\necho fetch >> '${fetches}'\nexec git-upload-pack "$@"\n`);
    chmodSync(counter, 0o755);
    git(workDir, 'config', 'remote.origin.uploadpack', counter);
    const burst = await Promise.all(Array.from({ length: 10 }, () => config.load()));
    expect(burst.every((loaded) => loaded === first)).toBe(true);
    expect(readFileSync(fetches, 'utf8')).toBe('fetch\n');
    await config.load();
    expect(readFileSync(fetches, 'utf8')).toBe('fetch\nfetch\n');
  });

  it('is refused, retryable, while the remote cannot be reached', async () => {
    const { parent, remote } = exampleRemote();
    const { config } = sharedConfig(remote, join(parent, 'config-work'));
    await config.load();
    renameSync(remote, `${remote}.down`);
    const error = await config.load().catch((e: unknown) => e);
    renameSync(`${remote}.down`, remote);
    expect(error).toMatchObject({ code: ErrorCode.GitFailed, retryable: true, message: `config repository ${remote} is unreachable` });
  });

  it('is what the CLI reads when --config names the repository', async () => {
    const { parent, remote } = exampleRemote();
    const cwd = join(parent, 'elsewhere');
    mkdirSync(cwd);
    await new GitConfigRepo({ remote, workDir: join(parent, 'writer') }).update('dev3/apps/mary.yaml', (text) => `${text ?? ''}\n# pushed by a worker\n`, alice);
    const shown = await runCli(['config', 'show', 'mary', 'dev3', '--origin', '--config', remote, '--state', 'state'], { cwd });
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('dev3/apps/mary.yaml:');
    expect(git(join(cwd, 'state', 'config-work'), 'rev-parse', 'HEAD').trim()).toBe(git(remote, 'rev-parse', 'main').trim());
    const validated = await runCli(['validate'], { cwd, env: { NESTOR_CONFIG: remote, NESTOR_STATE: join(cwd, 'state') } });
    expect(validated.stderr).toMatch(/^ok: /);
  });
});
