// SourceRepo on real git: refs are resolved in a cached bare mirror of the app's origin.
// Branch and tag names are looked up after a fetch (they move); a known full sha needs no
// network. Every ref is validated before git sees it and is passed as its own argument.

import type { SimpleGit } from 'simple-git';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { CommitSummary, RefKind, ResolvedRef, SourceRepo } from '../../core/ports/source-repo.js';
import { isFullSha, isSha, quoteForMessage, validateRef } from '../../core/release/ref.js';
import { tryRaw, type GitProcessOptions } from './git-process.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MirrorCache, type Mirror } from './mirror-cache.js';
import { checkOrigin, checkRelativePath, displayOrigin } from './paths.js';

export interface GitSourceRepoOptions extends GitProcessOptions {
  /** Folder holding the bare mirrors (created when missing). */
  cacheDir: string;
}

const DEFAULT_CHANGELOG_LIMIT = 100;

export class GitSourceRepo implements SourceRepo {
  private readonly mirrors: MirrorCache;
  private readonly mutex = new KeyedMutex();

  constructor(options: GitSourceRepoOptions) {
    this.mirrors = new MirrorCache(options.cacheDir, options);
  }

  async resolve(origin: string, ref: string): Promise<ResolvedRef> {
    validateRef(ref);
    checkOrigin(origin);
    return this.mutex.run(origin, async () => {
      const mirror = await this.mirrors.open(origin);
      if (isFullSha(ref) && (await commitExists(mirror.git, ref))) return { ref, sha: ref, kind: 'sha' };
      if (!mirror.fresh) await this.mirrors.fetch(origin, mirror);
      const found = await lookup(mirror.git, ref);
      if (!found) throw notFound(ref, origin);
      return { ref, ...found };
    });
  }

  async resolveRemote(origin: string, branch: string): Promise<ResolvedRef> {
    validateRef(branch);
    checkOrigin(origin);
    const sha = await this.mirrors.remoteRef(origin, `refs/heads/${branch}`);
    if (!sha) throw notFound(branch, origin);
    return { ref: branch, sha, kind: 'branch' };
  }

  async readFile(origin: string, sha: string, path: string): Promise<string | undefined> {
    checkSha(sha);
    checkRelativePath(path);
    checkOrigin(origin);
    return this.mutex.run(origin, async () => {
      const mirror = await this.ensureCommits(origin, [sha]);
      return tryRaw(mirror.git, ['cat-file', 'blob', `${sha}:${path}`]);
    });
  }

  async changelog(origin: string, from: string | undefined, to: string, limit = DEFAULT_CHANGELOG_LIMIT): Promise<CommitSummary[]> {
    const shas = from === undefined ? [to] : [from, to];
    shas.forEach(checkSha);
    checkOrigin(origin);
    return this.mutex.run(origin, async () => {
      const mirror = await this.ensureCommits(origin, shas);
      return logCommits(mirror.git, from === undefined ? to : `${from}..${to}`, limit);
    });
  }

  /** Opens the mirror and fetches once when one of `shas` is not a known commit. */
  private async ensureCommits(origin: string, shas: string[]): Promise<Mirror> {
    const mirror = await this.mirrors.open(origin);
    if (await allExist(mirror.git, shas)) return mirror;
    if (!mirror.fresh) await this.mirrors.fetch(origin, mirror);
    for (const sha of shas) {
      if (!(await commitExists(mirror.git, sha))) throw notFound(sha, origin);
    }
    return mirror;
  }
}

/** The commits of a `git log` range, newest first, at most `limit`. */
export async function logCommits(git: SimpleGit, range: string, limit: number): Promise<CommitSummary[]> {
  const out = await git.raw(['log', `--max-count=${Math.max(1, Math.floor(limit))}`, '--format=%H%x1f%an%x1f%s', range, '--']);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sha = '', author = '', subject = ''] = line.split('\x1f');
      return { sha, author, subject };
    });
}

async function lookup(git: SimpleGit, ref: string): Promise<{ sha: string; kind: RefKind } | undefined> {
  const branch = `refs/heads/${ref}`;
  const tag = `refs/tags/${ref}`;
  const out = (await git.raw(['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)', branch, tag])) ?? '';
  const refs = new Map(
    out
      .split('\n')
      .map((line) => line.split(' '))
      .map(([name = '', sha = '', peeled = '']) => [name, peeled || sha] as const),
  );
  const branchSha = refs.get(branch);
  if (branchSha) return { sha: branchSha, kind: 'branch' };
  const tagSha = refs.get(tag);
  if (tagSha) return { sha: tagSha, kind: 'tag' };
  if (!isSha(ref)) return undefined;
  const sha = await tryRaw(git, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  return sha ? { sha: sha.trim(), kind: 'sha' } : undefined;
}

async function commitExists(git: SimpleGit, sha: string): Promise<boolean> {
  const type = await tryRaw(git, ['cat-file', '-t', sha]);
  return type?.trim() === 'commit';
}

async function allExist(git: SimpleGit, shas: string[]): Promise<boolean> {
  for (const sha of shas) if (!(await commitExists(git, sha))) return false;
  return true;
}

function checkSha(sha: string): void {
  if (!isSha(sha)) throw new NestorError(ErrorCode.BadInput, `invalid commit sha ${quoteForMessage(sha)}`);
}

function notFound(ref: string, origin: string): NestorError {
  return new NestorError(ErrorCode.BadInput, `no branch, tag or commit named ${ref} in ${displayOrigin(origin)}`, {
    detail: { ref, origin: displayOrigin(origin) },
  });
}
