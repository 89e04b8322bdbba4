import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFolder } from '../../src/adapters/fs/config-folder.js';
import type { ConfigFile } from '../../src/core/config/index.js';
import { ConfigError, formatProblem } from '../../src/core/errors.js';
import { git } from './git-fixtures.js';

export const EXAMPLE_CONFIG_DIR = fileURLToPath(new URL('../../nestor-config', import.meta.url));

/**
 * The example nestor-config copied to `<root>/nestor-config` as a git work tree, mary's origin
 * pointing at the local repository `appDir`: `scale` and `config set` commit there.
 */
export function exampleConfigRepo(root: string, appDir: string): string {
  const configDir = join(root, 'nestor-config');
  cpSync(EXAMPLE_CONFIG_DIR, configDir, { recursive: true });
  const maryFile = join(configDir, 'production/apps/mary.yaml');
  writeFileSync(maryFile, readFileSync(maryFile, 'utf8').replace('git@github.com:transcovo/mary.git', appDir));
  git(configDir, 'init', '--quiet', '--initial-branch=main');
  git(configDir, 'add', '--all');
  git(configDir, 'commit', '--quiet', '-m', 'seed');
  return configDir;
}

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

/** The problems of the ConfigError `run` throws, formatted (`file:line:col: key: message`); fails when it throws none. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('expected a ConfigError');
}
