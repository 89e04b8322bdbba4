// Port: the application's own git repository (its "origin": a local path or a URL).

export const RefKind = { Branch: 'branch', Tag: 'tag', Sha: 'sha' } as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];

export interface ResolvedRef {
  /** The ref as the user gave it (validated). */
  ref: string;
  /** Full commit sha the ref points to now (annotated tags are peeled to their commit). */
  sha: string;
  kind: RefKind;
}

export interface CommitSummary {
  sha: string;
  author: string;
  subject: string;
}

export interface SourceRepo {
  /**
   * Resolves a branch, tag or (abbreviated) sha. Branch and tag names are looked up after a
   * fetch, so a branch gives its newest commit. Errors: NestorError BadInput for an invalid or
   * unknown ref ("no branch, tag or commit named X in <origin>"); GitFailed, retryable, when the
   * origin cannot be reached.
   */
  resolve(origin: string, ref: string): Promise<ResolvedRef>;
  /**
   * The commit a branch points at on the origin now, asked of the origin itself (`git
   * ls-remote`): no clone, no fetch. What a scheduled release pays for an app that did not move.
   * Errors as `resolve`: BadInput for an invalid or unknown branch, GitFailed (retryable) when
   * the origin cannot be reached.
   */
  resolveRemote(origin: string, branch: string): Promise<ResolvedRef>;
  /** A file's text at a commit (e.g. `Procfile`, `Cronfile`); undefined when the commit has no such file. */
  readFile(origin: string, sha: string, path: string): Promise<string | undefined>;
  /** Commits reachable from `to` and not from `from` (all of `to`'s history when `from` is undefined), newest first. */
  changelog(origin: string, from: string | undefined, to: string, limit?: number): Promise<CommitSummary[]>;
}
