// AppBranches on real git: tags and branch moves pushed from a bare mirror of the app's origin
// (a mirror cache of its own: the SourceRepo's is read while this one writes). A fast-forward is
// a plain push, which the origin itself refuses if the branch moved meanwhile. A rebase replays
// the branch's own commits in a temporary worktree and is pushed with a lease on the sha it
// read, so it never overwrites commits it has not seen. Nothing is ever pushed with a plain force.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { AppBranches, BranchMove } from '../../core/ports/app-branches.js';
import type { CommitSummary } from '../../core/ports/source-repo.js';
import { validateRef } from '../../core/release/ref.js';
import { gitFailureText, openGit, tryRaw } from './git-process.js';
import { logCommits, type GitSourceRepoOptions } from './git-source-repo.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MirrorCache, type Mirror } from './mirror-cache.js';
import { checkOrigin, displayOrigin } from './paths.js';

/** As a GitSourceRepo's, with a `cacheDir` of its own (the SourceRepo's mirrors are read while these are written). */
export type GitAppBranchesOptions = GitSourceRepoOptions;

/** Commits of a refused branch listed at most. */
const OWN_COMMITS_SHOWN = 20;

export class GitAppBranches implements AppBranches {
  private readonly mirrors: MirrorCache;
  private readonly mutex = new KeyedMutex();

  constructor(private readonly options: GitAppBranchesOptions) {
    this.mirrors = new MirrorCache(options.cacheDir, options);
  }

  async tagsAt(origin: string, sha: string): Promise<string[]> {
    checkOrigin(origin);
    const names = new Set<string>();
    for (const [at, ref] of await this.mirrors.remoteRefs(origin, ['--tags'])) {
      if (at === sha) names.add(ref.replace(/^refs\/tags\//, '').replace(/\^\{\}$/, ''));
    }
    return [...names].sort();
  }

  async tag(origin: string, name: string, sha: string): Promise<'created' | 'exists'> {
    validateRef(name);
    checkOrigin(origin);
    return this.mutex.run(origin, async () => {
      const refs = new Map((await this.mirrors.remoteRefs(origin, ['--tags'])).map(([at, ref]) => [ref, at]));
      const at = refs.get(`refs/tags/${name}^{}`) ?? refs.get(`refs/tags/${name}`);
      if (at === sha) return 'exists';
      if (at !== undefined) throw new NestorError(ErrorCode.Conflict, `tag ${name} of ${displayOrigin(origin)} points at ${at.slice(0, 7)}, not ${sha.slice(0, 7)}: left as it is`);
      const mirror = await this.withCommits(origin, [sha]);
      await this.push(mirror.git, origin, [`${sha}:refs/tags/${name}`], `tag ${name}`);
      return 'created';
    });
  }

  async move(origin: string, branch: string, sha: string, options: { rebase: boolean }): Promise<BranchMove> {
    validateRef(branch);
    checkOrigin(origin);
    return this.mutex.run(origin, async () => {
      const current = await this.mirrors.remoteRef(origin, `refs/heads/${branch}`);
      if (current === sha) return { state: 'up-to-date', branch, sha };
      const mirror = await this.withCommits(origin, current === undefined ? [sha] : [sha, current]);
      if (current === undefined) {
        await this.push(mirror.git, origin, [`${sha}:refs/heads/${branch}`], `create ${branch}`);
        return { state: 'created', branch, sha };
      }
      if (await isAncestor(mirror.git, sha, current)) return { state: 'up-to-date', branch, sha: current };
      if (await isAncestor(mirror.git, current, sha)) {
        await this.push(mirror.git, origin, [`${sha}:refs/heads/${branch}`], `move ${branch}`);
        return { state: 'fast-forwarded', branch, from: current, sha };
      }
      const ownCommits = await logCommits(mirror.git, `${sha}..${current}`, OWN_COMMITS_SHOWN);
      if (!options.rebase) return { state: 'refused', branch, from: current, ownCommits };
      return this.rebase(mirror, origin, branch, current, sha, ownCommits);
    });
  }

  /** Replays `current`'s own commits onto `sha` in a temporary worktree; a conflict leaves the branch alone. */
  private async rebase(mirror: Mirror, origin: string, branch: string, current: string, sha: string, ownCommits: CommitSummary[]): Promise<BranchMove> {
    const dir = join(this.options.cacheDir, `rebase-${randomBytes(4).toString('hex')}`);
    await mirror.git.raw(['worktree', 'add', '--detach', dir, current]);
    try {
      const work = openGit(dir, this.options);
      try {
        await work.raw(['rebase', sha]);
      } catch {
        const stopped = (await tryRaw(work, ['rev-parse', '--verify', 'REBASE_HEAD']))?.trim();
        await tryRaw(work, ['rebase', '--abort']);
        const conflict = ownCommits.find((c) => c.sha === stopped) ?? { sha: stopped ?? current, author: '', subject: 'a commit of the branch' };
        return { state: 'refused', branch, from: current, ownCommits, conflict };
      }
      const tip = (await work.raw(['rev-parse', 'HEAD'])).trim();
      await this.push(mirror.git, origin, [`--force-with-lease=refs/heads/${branch}:${current}`, `${tip}:refs/heads/${branch}`], `rebase ${branch}`);
      return { state: 'rebased', branch, from: current, sha: tip, replayed: ownCommits.length };
    } finally {
      await tryRaw(mirror.git, ['worktree', 'remove', '--force', dir]);
      await rm(dir, { recursive: true, force: true });
      await tryRaw(mirror.git, ['worktree', 'prune']);
    }
  }

  /** The mirror, fetched when one of `shas` is not in it yet. */
  private async withCommits(origin: string, shas: string[]): Promise<Mirror> {
    const mirror = await this.mirrors.open(origin);
    for (const sha of shas) {
      if ((await tryRaw(mirror.git, ['cat-file', '-t', sha]))?.trim() === 'commit') continue;
      await this.mirrors.fetch(origin, mirror);
      if ((await tryRaw(mirror.git, ['cat-file', '-t', sha]))?.trim() !== 'commit') {
        throw new NestorError(ErrorCode.BadInput, `no commit ${sha} in ${displayOrigin(origin)}`);
      }
    }
    return mirror;
  }

  /** Pushes to the origin's URL (not the mirror's remote, which would push every ref). */
  private async push(git: SimpleGit, origin: string, args: string[], what: string): Promise<void> {
    try {
      await git.raw(['push', '--porcelain', origin, ...args]);
    } catch (cause) {
      throw new NestorError(ErrorCode.GitFailed, `could not ${what} in ${displayOrigin(origin)}: the push was refused (the branch moved meanwhile?) or the origin could not be reached`, {
        retryable: true, cause, detail: { git: gitFailureText(cause) },
      });
    }
  }
}

/** By the merge base (simple-git does not fail on `merge-base --is-ancestor`'s silent exit 1). */
async function isAncestor(git: SimpleGit, ancestor: string, of: string): Promise<boolean> {
  return (await tryRaw(git, ['merge-base', ancestor, of]))?.trim() === ancestor;
}

