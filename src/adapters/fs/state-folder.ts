import { isAbsolute, resolve } from 'node:path';

/** Nestor's own files (locks, git mirrors and clones): `--state`, then `$NESTOR_STATE`, then `./.nestor`. */
export function stateFolder(cwd: string, env: Readonly<Record<string, string | undefined>>, flag?: string): string {
  const dir = flag ?? env.NESTOR_STATE ?? '.nestor';
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

/**
 * Where datastore snapshots are kept, the folder a relative `datastore_snapshots.folder` is in:
 * `$NESTOR_SNAPSHOTS`, else the state folder. A snapshot one worker takes is restored by whichever
 * worker runs the reset: every worker must see the same folder (a shared volume).
 */
export function snapshotsFolder(cwd: string, env: Readonly<Record<string, string | undefined>>, stateDir: string): string {
  const dir = env.NESTOR_SNAPSHOTS;
  if (!dir) return stateDir;
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}
