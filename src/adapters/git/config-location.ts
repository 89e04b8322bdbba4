// Which kind of nestor-config a setting (NESTOR_CONFIG, --config) names:
// - a repository URL (`https://…`, `ssh://…`, `file://…`, `git@host:path`) or the path of a bare
//   repository: shared by every Nestor process, each working on its own clone in its state
//   folder (fetched before each read, every change pushed);
// - any other path: a folder read where it is (a work tree edited by hand, like the demo's, gets
//   its changes committed there and pushed nowhere). A repository with a work tree is shared by
//   giving its `file://` URL (it must then accept pushes to its branch).
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type ConfigLocation =
  | { kind: 'repository'; remote: string }
  | { kind: 'folder'; dir: string };

/** The clone of a shared nestor-config, under the state folder. */
export const CONFIG_CLONE_FOLDER = 'config-work';

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\s:@]+@[^/\s:]+:/i;

export function isRepositoryUrl(value: string): boolean {
  return URL_LIKE.test(value);
}

/** A bare repository: HEAD, objects/ and refs/ at its root. */
export function isBareRepository(dir: string): boolean {
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  return existsSync(join(dir, 'HEAD')) && isDir(join(dir, 'objects')) && isDir(join(dir, 'refs')) && !existsSync(join(dir, '.git'));
}

export function configLocation(value: string, cwd: string): ConfigLocation {
  if (isRepositoryUrl(value)) return { kind: 'repository', remote: value };
  const path = isAbsolute(value) ? value : resolve(cwd, value);
  return isBareRepository(path) ? { kind: 'repository', remote: path } : { kind: 'folder', dir: path };
}
