// ConfigRepo on the nestor-config git repository. An update is optimistic: edit the latest
// text, commit, push; when another writer got there first, fetch and run the edit again on
// their result (a rebase that re-applies the intent, so it never conflicts), bounded, never
// forced. A change that cannot be published is dropped locally: the clone and the remote stay
// as they were. Reads fetch first; reads queued behind a fetch that began after they asked
// share it, so a burst of reads costs one fetch.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConfigEdit, ConfigRepo, ConfigUpdateOptions, ConfigUpdateResult } from '../../core/ports/config-repo.js';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { gitAuthor } from '../fs/folder-config-repo.js';
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
  /** Syncs begun, and the number of the last one that reached the remote. */
  private syncsStarted = 0;
  private lastGoodSync = 0;

  constructor(options: GitConfigRepoOptions) {
    this.clone = new WorkClone(options);
    this.attempts = options.maxPushAttempts ?? 5;
    this.remoteName = displayOrigin(options.remote);
  }

  async readFile(path: string): Promise<string | undefined> {
    checkRelativePath(path);
    return this.latest(() => this.readLocal(path));
  }

  async checkout(): Promise<string> {
    return this.latest(async (dir) => dir);
  }

  /**
   * Runs `read` alone on the clone brought up to date: over the clone's folder and its commit
   * ('' while the remote is empty). Nothing changes the folder until `read` ends.
   */
  latest<T>(read: (dir: string, commit: string) => Promise<T>): Promise<T> {
    const asked = this.syncsStarted;
    return this.clone.exclusive(async () => {
      if (this.lastGoodSync <= asked) await this.syncOrThrow();
      return read(this.clone.dir, (await this.clone.heads()).local ?? '');
    });
  }

  async update(path: string, edit: ConfigEdit, options: ConfigUpdateOptions): Promise<ConfigUpdateResult> {
    checkRelativePath(path);
    const author = gitAuthor(options.author);
    return this.clone.exclusive(async () => {
      try {
        return await this.commitAndPush(path, edit, options.message, author);
      } catch (error) {
        await this.clone.discardLocal();
        throw error;
      }
    });
  }

  private async commitAndPush(path: string, edit: ConfigEdit, message: string, author: string): Promise<ConfigUpdateResult> {
    await this.syncOrThrow();
    let refusal: string | undefined;
    for (let attempt = 0; attempt < this.attempts; attempt += 1) {
      const before = await this.readLocal(path);
      const after = await edit(before);
      if (after === before) return { commit: (await this.clone.heads()).local ?? '', changed: false };
      await mkdir(dirname(join(this.clone.dir, path)), { recursive: true });
      await writeFile(join(this.clone.dir, path), after);
      const committed = await this.clone.commit([path], oneLine(message, 300), author);
      const { local: commit = '', remote: remoteBefore } = await this.clone.heads();
      if (!committed) return { commit, changed: false };
      const pushed = await this.clone.push();
      if (pushed.ok) return { commit, changed: true };
      await this.syncOrThrow();
      // Nobody else pushed: the remote refused this change itself (protected branch, hook) or
      // the push met a passing fault; tried again all the same.
      refusal = (await this.clone.heads()).remote === remoteBefore ? pushed.detail : undefined;
    }
    if (refusal !== undefined) throw this.failure(`refused the change to ${path}; nothing was changed`, refusal, false);
    throw this.failure(`is busy: ${path} kept changing under other writers; nothing was changed`, undefined);
  }

  private async readLocal(path: string): Promise<string | undefined> {
    const file = join(this.clone.dir, path);
    return existsSync(file) ? readFile(file, 'utf8') : undefined;
  }

  /** Makes the clone exactly the remote's latest config, dropping anything local. */
  private async syncOrThrow(): Promise<void> {
    const number = ++this.syncsStarted;
    const fetched = await this.clone.fetch();
    if (!fetched.ok) {
      await this.clone.discardLocal();
      throw this.failure('is unreachable', fetched.detail);
    }
    const { local, remote } = await this.clone.heads();
    if (local !== remote) await this.clone.discardLocal();
    this.lastGoodSync = number;
  }

  private failure(why: string, detail: string | undefined, retryable = true): NestorError {
    return new NestorError(ErrorCode.GitFailed, `config repository ${this.remoteName} ${why}`, {
      retryable,
      detail: { git: detail },
    });
  }
}
