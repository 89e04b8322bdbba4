// Port: where the nestor-config of a release comes from (a folder, a git checkout).
import type { ConfigTree } from '../config/index.js';
import type { TemplateSet } from '../render/template-set.js';

export interface LoadedConfig {
  tree: ConfigTree;
  templates: TemplateSet;
  /** The config's version (a git commit) when it has one. */
  revision?: string;
}

export interface ConfigSource {
  /** The latest configuration, validated: throws ConfigError with every problem. */
  load(): Promise<LoadedConfig>;
}
