// ConfigRepo over a local nestor-config folder (the one the CLI renders from). When the folder
// is the root of a git work tree, each update is one commit there, authored by the user, of
// that file only (nothing else staged is swept in); nothing is pushed. A plain folder gets the
// file written atomically (temp file + rename) and no commit. In both cases a failed update
// leaves the file as it was.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { ConfigAuthor, ConfigEdit, ConfigRepo, ConfigUpdateOptions, ConfigUpdateResult } from '../../core/ports/config-repo.js';
import { gitFailureText, openGit, tryRaw } from '../git/git-process.js';
import { KeyedMutex } from '../git/keyed-mutex.js';
import { checkRelativePath, oneLine } from '../git/paths.js';

/** `Alice <alice@example.com>`, with nothing that could break out of git's author syntax. */
export function gitAuthor(author: ConfigAuthor): string {
  return `${oneLine(author.name).replace(/[<>]/g, '')} <${oneLine(author.email).replace(/[<>\s]/g, '')}>`;
}

/** One writer at a time per folder in this process (across processes, the app's lock serialises). */
const writers = new KeyedMutex();

export class FolderConfigRepo implements ConfigRepo {
  private git: SimpleGit | undefined;

  constructor(private readonly dir: string) {}

  /** True when the folder is the root of a git work tree (checked at each update). */
  isGitWorkTree(): boolean {
    return existsSync(join(this.dir, '.git'));
  }

  async readFile(path: string): Promise<string | undefined> {
    checkRelativePath(path);
    return this.readLocal(path);
  }

  async checkout(): Promise<string> {
    return this.dir;
  }

  update(path: string, edit: ConfigEdit, options: ConfigUpdateOptions): Promise<ConfigUpdateResult> {
    checkRelativePath(path);
    return writers.run(resolve(this.dir), async () => {
      if (!existsSync(this.dir)) {
        throw new NestorError(ErrorCode.ConfigNotFound, `no nestor-config folder at ${this.dir}: nothing was changed`);
      }
      const before = await this.readLocal(path);
      const after = await edit(before);
      const git = this.isGitWorkTree() ? this.openGit() : undefined;
      if (after === before) return { commit: git ? await this.head(git) : '', changed: false };
      await writeAtomically(join(this.dir, path), after);
      if (!git) return { commit: '', changed: true };
      try {
        await git.raw(['add', '--verbose', '--', path]);
        await git.raw(['commit', '--no-verify', '--quiet', `--message=${oneLine(options.message, 300)}`, `--author=${gitAuthor(options.author)}`, '--only', '--', path]);
      } catch (error) {
        await this.restore(git, path, before);
        throw new NestorError(ErrorCode.GitFailed, `could not commit ${path} in the nestor-config folder: nothing was changed`, {
          retryable: true,
          detail: { git: gitFailureText(error) },
        });
      }
      return { commit: await this.head(git), changed: true };
    });
  }

  private openGit(): SimpleGit {
    this.git ??= openGit(this.dir);
    return this.git;
  }

  private async head(git: SimpleGit): Promise<string> {
    return (await tryRaw(git, ['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() ?? '';
  }

  /** Puts the file and its index entry back as they were before a failed commit. */
  private async restore(git: SimpleGit, path: string, before: string | undefined): Promise<void> {
    const file = join(this.dir, path);
    if (before === undefined) await rm(file, { force: true });
    else await writeAtomically(file, before);
    await tryRaw(git, ['reset', '--quiet', '--', path]);
  }

  private async readLocal(path: string): Promise<string | undefined> {
    const file = join(this.dir, path);
    return existsSync(file) ? readFile(file, 'utf8') : undefined;
  }
}

/** A temp file in the same folder (hidden: the config loader skips it), then a rename. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
