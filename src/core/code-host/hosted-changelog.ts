// The changelog of an announcement from the code host's compare API when the app's origin is
// hosted there; from git otherwise, and when the host fails or there is no previous release to
// compare with.
import type { CodeHost } from '../ports/code-host.js';
import type { CommitSummary, SourceRepo } from '../ports/source-repo.js';
import { sideEffect, type SideEffectFailures } from './side-effect.js';

export function withHostedChangelog(source: SourceRepo, host: CodeHost, failures: SideEffectFailures): SourceRepo {
  return {
    resolve: (origin, ref) => source.resolve(origin, ref),
    resolveRemote: (origin, branch) => source.resolveRemote(origin, branch),
    readFile: (origin, sha, path) => source.readFile(origin, sha, path),
    changelog: async (origin, from, to, limit = 200): Promise<CommitSummary[]> => {
      const repo = host.repoOf(origin);
      if (repo === undefined || from === undefined) return source.changelog(origin, from, to, limit);
      const hosted = await sideEffect(failures, 'compare', `${repo.owner}/${repo.name}`, () => host.compare(repo, from, to, limit));
      return hosted ?? source.changelog(origin, from, to, limit);
    },
  };
}
