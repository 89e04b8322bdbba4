// The configuration of a shared nestor-config repository, read from this process's clone after
// a fetch. It is parsed again only when the fetched commit moved: a fetch that finds nothing new
// costs no parse.
import type { ConfigSource, LoadedConfig } from '../../core/ports/config-source.js';
import { loadConfigFolder } from '../fs/config-folder.js';
import { loadTemplateSet } from '../fs/templates.js';
import { GitConfigRepo } from './git-config-repo.js';
import type { GitProcessOptions } from './git-process.js';

export class GitConfigSource implements ConfigSource {
  private cached: { commit: string; loaded: LoadedConfig } | undefined;

  constructor(private readonly repo: GitConfigRepo) {}

  load(): Promise<LoadedConfig> {
    return this.repo.latest(async (dir, commit) => {
      if (this.cached !== undefined && this.cached.commit === commit) return this.cached.loaded;
      const [tree, templates] = await Promise.all([loadConfigFolder(dir), loadTemplateSet(dir)]);
      const loaded: LoadedConfig = { tree, templates, ...(commit ? { revision: commit } : {}) };
      this.cached = { commit, loaded };
      return loaded;
    });
  }
}

/** The config ports of a shared nestor-config repository, over one clone in `workDir`. */
export function sharedConfig(remote: string, workDir: string, git: GitProcessOptions = {}): { config: GitConfigSource; configRepo: GitConfigRepo } {
  const configRepo = new GitConfigRepo({ remote, workDir, ...git });
  return { config: new GitConfigSource(configRepo), configRepo };
}
