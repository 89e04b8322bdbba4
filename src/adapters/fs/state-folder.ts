import { isAbsolute, resolve } from 'node:path';

/** Nestor's own files (locks, git mirrors and clones): `--state`, then `$NESTOR_STATE`, then `./.nestor`. */
export function stateFolder(cwd: string, env: Readonly<Record<string, string | undefined>>, flag?: string): string {
  const dir = flag ?? env.NESTOR_STATE ?? '.nestor';
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}
