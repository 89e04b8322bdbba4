// Many commits in one git process: a `git fast-import` stream (git-fast-import(1)) of whole-file
// changes on one branch, each new commit's id printed back with get-mark, oldest first.
import type { GitIdentity } from './git-process.js';

export interface ImportedCommit {
  message: string;
  /** Content of each file written, by path from the repository root. */
  files: ReadonlyMap<string, string>;
  /** Paths removed. */
  removed: readonly string[];
}

/** As `git commit --message` stores it: no trailing blanks, no blank lines around, one final newline. */
export function cleanMessage(message: string): string {
  return `${message.split('\n').map((line) => line.trimEnd()).join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/**
 * The stream committing `commits` in order on `branch`, the first on top of `parent` (none: the
 * branch starts with it). Paths are release-history paths: DNS labels and cluster names, never
 * a quote or a newline.
 */
export function fastImportStream(branch: string, commits: readonly ImportedCommit[], parent: string | undefined, committer: GitIdentity, seconds: number): string {
  const parts: string[] = [];
  commits.forEach((commit, i) => {
    parts.push(`commit refs/heads/${branch}\nmark :${i + 1}\ncommitter ${committer.name} <${committer.email}> ${seconds} +0000\n`, data(cleanMessage(commit.message)));
    if (i === 0 && parent !== undefined) parts.push(`from ${parent}\n`);
    for (const path of commit.removed) parts.push(`D ${path}\n`);
    for (const [path, text] of commit.files) parts.push(`M 100644 inline ${path}\n`, data(text));
  });
  commits.forEach((_, i) => parts.push(`get-mark :${i + 1}\n`));
  return parts.join('');
}
