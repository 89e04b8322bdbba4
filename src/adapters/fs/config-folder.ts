import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ConfigFile } from '../../core/config/config-file.js';
import { loadConfigTree, type ConfigTree } from '../../core/config/config-tree.js';
import { ErrorCode, NestorError } from '../../core/errors.js';

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .map(async (e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [])),
  );
  return nested.flat();
}

/** Reads every file of a nestor-config folder (hidden ones aside). */
export async function readConfigFolder(root: string): Promise<ConfigFile[]> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new NestorError(ErrorCode.ConfigNotFound, `no nestor-config folder at ${root} (give --config DIR or set NESTOR_CONFIG)`);
  }
  const paths = (await walk(root)).sort();
  return Promise.all(
    paths.map(async (path) => ({ path: relative(root, path).split(sep).join('/'), text: await readFile(path, 'utf8') })),
  );
}

/** Reads and loads a nestor-config folder; throws ConfigError with every problem. */
export async function loadConfigFolder(root: string): Promise<ConfigTree> {
  return loadConfigTree(await readConfigFolder(root));
}

/** Changes whenever a file of the folder is added, removed or written. */
export async function folderFingerprint(root: string): Promise<string> {
  const paths = (await walk(root).catch(() => [])).sort();
  const stats = await Promise.all(paths.map(async (p) => {
    const s = await stat(p).catch(() => undefined);
    return `${p}:${s?.size ?? -1}:${s?.mtimeMs ?? -1}`;
  }));
  return stats.join('\n');
}
