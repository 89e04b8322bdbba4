import type { ConfigSource, LoadedConfig } from '../../core/ports/config-source.js';
import { loadConfigFolder } from './config-folder.js';
import { loadTemplateSet } from './templates.js';

/** The configuration of a folder (a nestor-config checkout), read afresh at each release. */
export class FolderConfigSource implements ConfigSource {
  constructor(
    private readonly dir: string,
    private readonly revision?: () => Promise<string | undefined>,
  ) {}

  async load(): Promise<LoadedConfig> {
    const [tree, templates, revision] = await Promise.all([loadConfigFolder(this.dir), loadTemplateSet(this.dir), this.revision?.()]);
    return { tree, templates, ...(revision ? { revision } : {}) };
  }
}
