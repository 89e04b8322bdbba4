// The names completion offers, read straight from a nestor-config folder and the app's own
// repository: folder and file names, one YAML key (`git.origin`), `git for-each-ref` on a local
// origin. Nothing is validated or merged and nothing goes over the network: a Tab must answer at
// once, and a broken config still completes.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import type { CompletionValues } from '../../core/commands/complete-words.js';
import { checkOrigin } from '../git/paths.js';

const run = promisify(execFile);
const YAML = /\.ya?ml$/;

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function environments(configDir: string): string[] {
  return list(configDir).filter((name) => existsSync(join(configDir, name, 'project.yaml')) || existsSync(join(configDir, name, 'project.yml')));
}

function appFiles(configDir: string, app?: string): string[] {
  return environments(configDir).flatMap((env) =>
    list(join(configDir, env, 'apps')).filter((f) => YAML.test(f) && (app === undefined || f.replace(YAML, '') === app)).map((f) => join(configDir, env, 'apps', f)));
}

function originOf(configDir: string, app: string): string | undefined {
  for (const file of appFiles(configDir, app)) {
    try {
      const origin = (load(readFileSync(file, 'utf8')) as { git?: { origin?: unknown } } | undefined)?.git?.origin;
      if (typeof origin === 'string') return origin;
    } catch {
      // a file that does not parse names no origin
    }
  }
  return undefined;
}

async function localRefs(origin: string): Promise<string[]> {
  checkOrigin(origin);
  if (!existsSync(origin) || !statSync(origin).isDirectory()) return [];
  const { stdout } = await run('git', ['-C', origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/tags'], { timeout: 2000 });
  return stdout.split('\n').filter(Boolean);
}

export function configCompletionValues(configDir: string): CompletionValues {
  return {
    apps: async () => [...new Set(appFiles(configDir).map((f) => f.slice(f.lastIndexOf('/') + 1).replace(YAML, '')))],
    envs: async () => environments(configDir),
    refs: async (app) => {
      const origin = originOf(configDir, app);
      return origin === undefined ? [] : localRefs(origin);
    },
  };
}
