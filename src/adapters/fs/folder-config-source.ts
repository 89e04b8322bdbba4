import type { ConfigSource, LoadedConfig } from '../../core/ports/config-source.js';
import { folderFingerprint, loadConfigFolder } from './config-folder.js';
import { loadTemplateSet } from './templates.js';

/**
 * The configuration of a folder (a nestor-config checkout). It is parsed again only when a file
 * changed: a bot answering a burst of commands reads the folder's listing, not every file.
 */
export class FolderConfigSource implements ConfigSource {
  private cached: { fingerprint: string; loaded: Promise<LoadedConfig> } | undefined;

  constructor(
    private readonly dir: string,
    private readonly revision?: () => Promise<string | undefined>,
  ) {}

  async load(): Promise<LoadedConfig> {
    const fingerprint = await folderFingerprint(this.dir);
    if (this.cached?.fingerprint === fingerprint && !this.revision) return this.cached.loaded;
    const loaded = this.loadNow();
    this.cached = { fingerprint, loaded };
    loaded.catch(() => {
      if (this.cached?.loaded === loaded) this.cached = undefined;
    });
    return loaded;
  }

  private async loadNow(): Promise<LoadedConfig> {
    const [tree, templates, revision] = await Promise.all([loadConfigFolder(this.dir), loadTemplateSet(this.dir), this.revision?.()]);
    return { tree, templates, ...(revision ? { revision } : {}) };
  }
}
