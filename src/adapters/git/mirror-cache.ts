// A cache of bare mirrors of application repositories, one per origin, under a cache folder.
// A mirror is cloned into a temporary folder and renamed into place, so a crash never leaves a
// half-cloned mirror behind.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { ErrorCode, NestorError } from '../../core/errors.js';
import { gitFailureText, openGit, type GitProcessOptions } from './git-process.js';
import { displayOrigin } from './paths.js';

export interface Mirror {
  git: SimpleGit;
  /** True when the mirror was just cloned: it is as fresh as a fetch. */
  fresh: boolean;
}

export class MirrorCache {
  constructor(
    private readonly cacheDir: string,
    private readonly gitOptions: GitProcessOptions = {},
  ) {}

  async open(origin: string): Promise<Mirror> {
    const path = this.pathFor(origin);
    if (existsSync(join(path, 'HEAD'))) return { git: openGit(path, this.gitOptions), fresh: false };
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await openGit(this.cacheDir, this.gitOptions).raw(['clone', '--mirror', '--', origin, tmp]);
      await rename(tmp, path);
    } catch (cause) {
      await rm(tmp, { recursive: true, force: true });
      if (existsSync(join(path, 'HEAD'))) return { git: openGit(path, this.gitOptions), fresh: false };
      throw unreachable(origin, cause);
    }
    return { git: openGit(path, this.gitOptions), fresh: true };
  }

  async fetch(origin: string, mirror: Mirror): Promise<void> {
    try {
      await mirror.git.raw(['fetch', '--prune', '--verbose', 'origin']);
    } catch (cause) {
      throw unreachable(origin, cause);
    }
  }

  /** The sha of `ref` (a full ref name such as `refs/heads/main`) at the origin, by `git ls-remote`; undefined when it has none. */
  async remoteRef(origin: string, ref: string): Promise<string | undefined> {
    return (await this.remoteRefs(origin, [ref])).find(([, name]) => name === ref)?.[0];
  }

  /** [sha, ref name] of the origin's refs matching `args` (`--tags`, a ref name), by `git ls-remote`. */
  async remoteRefs(origin: string, args: string[]): Promise<[string, string][]> {
    await mkdir(this.cacheDir, { recursive: true });
    let out: string;
    try {
      out = await openGit(this.cacheDir, this.gitOptions).raw(['ls-remote', ...args.filter((a) => a.startsWith('--')), '--', origin, ...args.filter((a) => !a.startsWith('--'))]);
    } catch (cause) {
      throw unreachable(origin, cause);
    }
    return out.split('\n').filter((line) => line !== '').map((line) => line.split('\t') as [string, string]);
  }

  private pathFor(origin: string): string {
    const hash = createHash('sha256').update(origin).digest('hex').slice(0, 16);
    const slug = basename(origin.replace(/[/:]+$/, '')).replace(/\.git$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
    return join(this.cacheDir, `${slug.slice(0, 40) || 'repo'}-${hash}.git`);
  }
}

function unreachable(origin: string, cause: unknown): NestorError {
  return new NestorError(ErrorCode.GitFailed, `cannot reach git origin ${displayOrigin(origin)}`, {
    retryable: true,
    cause,
    detail: { git: gitFailureText(cause) },
  });
}
