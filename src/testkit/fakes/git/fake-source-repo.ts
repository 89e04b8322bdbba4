// In-memory SourceRepo: origins hold commits, branches and tags built by the test.

import { createHash } from 'node:crypto';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { CommitSummary, ResolvedRef, SourceRepo } from '../../../core/ports/source-repo.js';
import { isFullSha, isSha, quoteForMessage, validateRef } from '../../../core/release/ref.js';
import { checkOrigin, checkRelativePath, displayOrigin } from '../../../adapters/git/paths.js';

interface FakeCommit {
  sha: string;
  parent?: string;
  author: string;
  subject: string;
  files: Map<string, string>;
}

interface FakeOrigin {
  commits: Map<string, FakeCommit>;
  branches: Map<string, string>;
  tags: Map<string, string>;
  reachable: boolean;
}

export class FakeSourceRepo implements SourceRepo {
  private readonly origins = new Map<string, FakeOrigin>();
  private counter = 0;

  /** Adds a commit on `branch` (created when missing); `null` deletes a file. Returns its sha. */
  commit(origin: string, branch: string, subject: string, changes: Record<string, string | null>, author = 'dev'): string {
    const repo = this.originFor(origin);
    const parent = repo.branches.get(branch);
    const files = new Map(parent === undefined ? [] : repo.commits.get(parent)?.files);
    for (const [path, text] of Object.entries(changes)) {
      if (text === null) files.delete(path);
      else files.set(path, text);
    }
    this.counter += 1;
    const sha = createHash('sha1').update(`${origin}\0${parent ?? ''}\0${subject}\0${this.counter}`).digest('hex');
    repo.commits.set(sha, { sha, ...(parent === undefined ? {} : { parent }), author, subject, files });
    repo.branches.set(branch, sha);
    return sha;
  }

  branch(origin: string, name: string, sha: string): void {
    this.originFor(origin).branches.set(name, sha);
  }

  tag(origin: string, name: string, sha: string): void {
    this.originFor(origin).tags.set(name, sha);
  }

  setReachable(origin: string, reachable: boolean): void {
    this.originFor(origin).reachable = reachable;
  }

  async resolve(origin: string, ref: string): Promise<ResolvedRef> {
    validateRef(ref);
    const repo = this.reach(origin);
    if (isFullSha(ref) && repo.commits.has(ref)) return { ref, sha: ref, kind: 'sha' };
    const branch = repo.branches.get(ref);
    if (branch !== undefined) return { ref, sha: branch, kind: 'branch' };
    const tag = repo.tags.get(ref);
    if (tag !== undefined) return { ref, sha: tag, kind: 'tag' };
    const matches = isSha(ref) ? [...repo.commits.keys()].filter((sha) => sha.startsWith(ref)) : [];
    if (matches.length !== 1 || matches[0] === undefined) throw notFound(ref, origin);
    return { ref, sha: matches[0], kind: 'sha' };
  }

  async resolveRemote(origin: string, branch: string): Promise<ResolvedRef> {
    validateRef(branch);
    const sha = this.reach(origin).branches.get(branch);
    if (sha === undefined) throw notFound(branch, origin);
    return { ref: branch, sha, kind: 'branch' };
  }

  async readFile(origin: string, sha: string, path: string): Promise<string | undefined> {
    checkRelativePath(path);
    return this.commitAt(origin, sha).files.get(path);
  }

  async changelog(origin: string, from: string | undefined, to: string, limit = 100): Promise<CommitSummary[]> {
    const repo = this.reach(origin);
    const excluded = new Set<string>();
    for (let c = from === undefined ? undefined : this.commitAt(origin, from); c; c = c.parent ? repo.commits.get(c.parent) : undefined) {
      excluded.add(c.sha);
    }
    const out: CommitSummary[] = [];
    for (let c: FakeCommit | undefined = this.commitAt(origin, to); c && out.length < limit; c = c.parent ? repo.commits.get(c.parent) : undefined) {
      if (!excluded.has(c.sha)) out.push({ sha: c.sha, author: c.author, subject: c.subject });
    }
    return out;
  }

  private commitAt(origin: string, sha: string): FakeCommit {
    if (!isSha(sha)) throw new NestorError(ErrorCode.BadInput, `invalid commit sha ${quoteForMessage(sha)}`);
    const repo = this.reach(origin);
    const matches = [...repo.commits.values()].filter((c) => c.sha.startsWith(sha));
    if (matches.length !== 1 || matches[0] === undefined) throw notFound(sha, origin);
    return matches[0];
  }

  private originFor(origin: string): FakeOrigin {
    let repo = this.origins.get(origin);
    if (repo === undefined) {
      repo = { commits: new Map(), branches: new Map(), tags: new Map(), reachable: true };
      this.origins.set(origin, repo);
    }
    return repo;
  }

  private reach(origin: string): FakeOrigin {
    checkOrigin(origin);
    const repo = this.origins.get(origin);
    if (repo === undefined || !repo.reachable) {
      throw new NestorError(ErrorCode.GitFailed, `cannot reach git origin ${displayOrigin(origin)}`, { retryable: true });
    }
    return repo;
  }
}

function notFound(ref: string, origin: string): NestorError {
  return new NestorError(ErrorCode.BadInput, `no branch, tag or commit named ${ref} in ${displayOrigin(origin)}`, {
    detail: { ref, origin: displayOrigin(origin) },
  });
}
