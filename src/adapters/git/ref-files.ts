// Branch heads read straight from a repository's ref files as git's files backend stores them (a
// loose ref file, else its line in packed-refs): reading two refs costs no git process. Undefined
// when the repository is laid out some other way (reftable, a symbolic ref, a .git file), for the
// caller to ask git instead.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function packedRefs(text: string | undefined): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const [id, name] = line.split(' ');
    if (id !== undefined && name !== undefined && OBJECT_ID.test(id)) refs.set(name, id);
  }
  return refs;
}

/** Each ref's object id (undefined when the ref does not exist), or undefined when the files cannot tell. */
export async function readRefFiles(workDir: string, names: readonly string[]): Promise<Map<string, string | undefined> | undefined> {
  const gitDir = join(workDir, '.git');
  const [info, reftable] = await Promise.all([stat(gitDir).catch(() => undefined), stat(join(gitDir, 'reftable')).catch(() => undefined)]);
  if (!info?.isDirectory() || reftable !== undefined) return undefined;
  const loose = await Promise.all(names.map((name) => readOptional(join(gitDir, name))));
  const packed = loose.some((text) => text === undefined) ? packedRefs(await readOptional(join(gitDir, 'packed-refs'))) : new Map<string, string>();
  const refs = new Map<string, string | undefined>();
  for (const [i, name] of names.entries()) {
    const text = loose[i];
    if (text === undefined) {
      refs.set(name, packed.get(name));
      continue;
    }
    const id = text.trim();
    if (!OBJECT_ID.test(id)) return undefined;
    refs.set(name, id);
  }
  return refs;
}
