// ConfigRepo on the nestor-config git repository. An update is optimistic: edit the latest
// text, commit, push; when another writer got there first, fetch and run the edit again on
// their result (a rebase that re-applies the intent, so it never conflicts), bounded, never
// forced. A change that cannot be published is dropped locally and reported as retryable.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConfigEdit, ConfigRepo, ConfigUpdateOptions, ConfigUpdateResult } from '../../core/ports/config-repo.js';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { checkRelativePath, displayOrigin, oneLine } from './paths.js';
import { WorkClone, type WorkCloneOptions } from './work-clone.js';

export interface GitConfigRepoOptions extends WorkCloneOptions {
  /** Publish attempts before giving up. Default 5. */
  maxPushAttempts?: number;
}

export class GitConfigRepo implements ConfigRepo {
  private readonly clone: WorkClone;
  private readonly attempts: number;
  private readonly remoteName: string;

  constructor(options: GitConfigRepoOptions) {
    this.clone = new WorkClone(options);
    this.attempts = options.maxPushAttempts ?? 5;
    this.remoteName = displayOrigin(options.remote);
  }

  async readFile(path: string): Promise<string | undefined> {
    checkRelativePath(path);
    return this.clone.exclusive(async () => {
      await this.syncOrThrow();
      return this.readLocal(path);
    });
  }

  async checkout(): Promise<string> {
    return this.clone.exclusive(async () => {
      await this.syncOrThrow();
      return this.clone.dir;
    });
  }

  async update(path: string, edit: ConfigEdit, options: ConfigUpdateOptions): Promise<ConfigUpdateResult> {
    checkRelativePath(path);
    const author = `${oneLine(options.author.name).replace(/[<>]/g, '')} <${oneLine(options.author.email).replace(/[<>\s]/g, '')}>`;
    return this.clone.exclusive(async () => {
      await this.syncOrThrow();
      for (let attempt = 0; attempt < this.attempts; attempt += 1) {
        const before = await this.readLocal(path);
        const after = await edit(before);
        if (after === before) return { commit: (await this.clone.heads()).local ?? '', changed: false };
        await mkdir(dirname(join(this.clone.dir, path)), { recursive: true });
        await writeFile(join(this.clone.dir, path), after);
        const committed = await this.clone.commit([path], oneLine(options.message, 300), author);
        const commit = (await this.clone.heads()).local ?? '';
        if (!committed) return { commit, changed: false };
        if ((await this.clone.push()).ok) return { commit, changed: true };
        await this.syncOrThrow();
      }
      throw this.failure(`is busy: ${path} kept changing under other writers; nothing was changed`, undefined);
    });
  }

  private async readLocal(path: string): Promise<string | undefined> {
    const file = join(this.clone.dir, path);
    return existsSync(file) ? readFile(file, 'utf8') : undefined;
  }

  /** Makes the clone exactly the remote's latest config, dropping anything local. */
  private async syncOrThrow(): Promise<void> {
    const fetched = await this.clone.fetch();
    if (!fetched.ok) {
      await this.clone.resetToRemote();
      throw this.failure('is unreachable', fetched.detail);
    }
    await this.clone.resetToRemote();
  }

  private failure(why: string, detail: string | undefined): NestorError {
    return new NestorError(ErrorCode.GitFailed, `config repository ${this.remoteName} ${why}`, {
      retryable: true,
      detail: { git: detail },
    });
  }
}
