// In-memory ConfigRepo. Instances sharing a FakeConfigStore behave like processes sharing
// one nestor-config remote.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { ConfigEdit, ConfigRepo, ConfigUpdateOptions, ConfigUpdateResult } from '../../../core/ports/config-repo.js';
import { checkRelativePath } from '../../../adapters/git/paths.js';

export interface FakeConfigCommit {
  commit: string;
  path: string;
  message: string;
  author: { name: string; email: string };
}

export class FakeConfigStore {
  readonly files: Map<string, string>;
  readonly commits: FakeConfigCommit[] = [];
  reachable = true;

  constructor(files: Record<string, string> = {}) {
    this.files = new Map(Object.entries(files));
  }

  get head(): string {
    return this.commits[this.commits.length - 1]?.commit ?? '0'.repeat(40);
  }
}

export interface FakeConfigRepoOptions {
  store?: FakeConfigStore;
  /** Where `checkout()` writes the files (a new temp folder when omitted). */
  checkoutDir?: string;
}

export class FakeConfigRepo implements ConfigRepo {
  readonly store: FakeConfigStore;
  private checkoutDir: string | undefined;

  constructor(options: FakeConfigRepoOptions = {}) {
    this.store = options.store ?? new FakeConfigStore();
    this.checkoutDir = options.checkoutDir;
  }

  async readFile(path: string): Promise<string | undefined> {
    checkRelativePath(path);
    this.reach();
    return this.store.files.get(path);
  }

  async update(path: string, edit: ConfigEdit, options: ConfigUpdateOptions): Promise<ConfigUpdateResult> {
    checkRelativePath(path);
    this.reach();
    const before = this.store.files.get(path);
    const after = await edit(before);
    this.reach();
    // Another writer may have changed the file while `edit` ran: run it again on their text.
    if (this.store.files.get(path) !== before) return this.update(path, edit, options);
    if (after === before) return { commit: this.store.head, changed: false };
    this.store.files.set(path, after);
    const commit = createHash('sha1').update(`${this.store.head}\0${path}\0${after}`).digest('hex');
    this.store.commits.push({ commit, path, message: options.message, author: { ...options.author } });
    return { commit, changed: true };
  }

  async checkout(): Promise<string> {
    this.reach();
    const dir = this.checkoutDir ?? (await mkdtemp(join(tmpdir(), 'nestor-fake-config-')));
    this.checkoutDir = dir;
    await rm(dir, { recursive: true, force: true });
    for (const [path, text] of this.store.files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await mkdir(dir, { recursive: true });
    return dir;
  }

  private reach(): void {
    if (!this.store.reachable) {
      throw new NestorError(ErrorCode.GitFailed, 'config repository fake is unreachable', { retryable: true });
    }
  }
}
