import type { ConfigSource, LoadedConfig } from '../../core/ports/config-source.js';
import { folderFingerprint, loadConfigFolder } from './config-folder.js';
import { loadTemplateSet } from './templates.js';

/**
 * The configuration of a folder (a nestor-config checkout). It is parsed again only when a file
 * changed: a bot answering a burst of commands reads the folder's listing, not every file.
 */
export class FolderConfigSource implements ConfigSource {
  private cached: { fingerprint: string; loaded: Promise<LoadedConfig> } | undefined;
  // The walk of the folder running now, and the one that starts after it. A load arriving
  // during a walk shares the next one (which sees every change made before the load came), so a
  // burst of commands walks the folder about twice instead of once per command.
  private walking: Promise<string> | undefined;
  private next: Promise<string> | undefined;

  constructor(
    private readonly dir: string,
    private readonly fingerprintOf: (dir: string) => Promise<string> = folderFingerprint,
  ) {}

  async load(): Promise<LoadedConfig> {
    const fingerprint = await this.fingerprint();
    if (this.cached?.fingerprint === fingerprint) return this.cached.loaded;
    const loaded = this.loadNow();
    this.cached = { fingerprint, loaded };
    loaded.catch(() => {
      if (this.cached?.loaded === loaded) this.cached = undefined;
    });
    return loaded;
  }

  private fingerprint(): Promise<string> {
    if (!this.walking) return this.walk();
    this.next ??= this.walking.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.walk();
    });
    return this.next;
  }

  private walk(): Promise<string> {
    const walking = this.fingerprintOf(this.dir).finally(() => {
      if (this.walking === walking) this.walking = undefined;
    });
    this.walking = walking;
    return walking;
  }

  private async loadNow(): Promise<LoadedConfig> {
    const [tree, templates] = await Promise.all([loadConfigFolder(this.dir), loadTemplateSet(this.dir)]);
    return { tree, templates };
  }
}
