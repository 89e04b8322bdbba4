import { fileURLToPath } from 'node:url';
import { readConfigFolder } from '../../src/adapters/fs/config-folder.js';
import type { ConfigFile } from '../../src/core/config/index.js';

export const EXAMPLE_CONFIG_DIR = fileURLToPath(new URL('../../nestor-config', import.meta.url));

export function exampleConfigFiles(): Promise<ConfigFile[]> {
  return readConfigFolder(EXAMPLE_CONFIG_DIR);
}

/** A config tree from a map of path → text, with lines joined by `\n`. */
export function files(tree: Record<string, string | string[]>): ConfigFile[] {
  return Object.entries(tree).map(([path, text]) => ({ path, text: Array.isArray(text) ? `${text.join('\n')}\n` : text }));
}

/** The smallest valid base: production with one cluster and one registry. */
export const BASE_PROJECT = [
  'project: acme',
  'env: production',
  'domain: acme.test',
  'docker: { registries: { reg.test: [ { id: r, organization: acme } ] } }',
  'deployments:',
  '  kubernetes:',
  '    - cluster_name: prod',
];
