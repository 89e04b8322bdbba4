// The files of one commit of the in-memory release history, kept by folder (`<env>/<app>`): a
// commit copies the folders it changes and shares the others with the commit before, so a history
// of thousands of releases costs what each release changed, not a copy of the whole tree per commit.

const EMPTY: ReadonlyMap<string, string> = new Map();

/** `a/b/file` → [`a/b`, `file`]. */
function split(path: string): [string, string] {
  const at = path.lastIndexOf('/');
  return [path.slice(0, at), path.slice(at + 1)];
}

function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

export class FolderTree {
  private readonly folders: Map<string, ReadonlyMap<string, string>>;
  /** Folders this tree copied (it may change them); the others are shared. */
  private readonly own = new Set<string>();

  constructor(folders?: ReadonlyMap<string, ReadonlyMap<string, string>>) {
    this.folders = new Map(folders);
  }

  /** A tree with the same files, sharing every folder until it changes one. */
  fork(): FolderTree {
    return new FolderTree(this.folders);
  }

  get(path: string): string | undefined {
    const [dir, name] = split(path);
    return this.folders.get(dir)?.get(name);
  }

  set(path: string, text: string): void {
    const [dir, name] = split(path);
    this.writable(dir).set(name, text);
  }

  delete(path: string): void {
    const [dir, name] = split(path);
    if (!this.folders.get(dir)?.has(name)) return;
    const files = this.writable(dir);
    files.delete(name);
    if (files.size === 0) this.folders.delete(dir);
  }

  /** The files directly in `dir`, by name. */
  folder(dir: string): ReadonlyMap<string, string> {
    return this.folders.get(dir) ?? EMPTY;
  }

  *keys(): IterableIterator<string> {
    for (const [dir, files] of this.folders) for (const name of files.keys()) yield `${dir}/${name}`;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [dir, files] of this.folders) for (const [name, text] of files) yield [`${dir}/${name}`, text];
  }

  /** The folders this tree changed since it was forked (those it does not share). */
  changedFolders(): ReadonlySet<string> {
    return this.own;
  }

  /** Whether both hold the same files (folders they share are not compared). */
  sameAs(other: FolderTree): boolean {
    if (this.folders.size !== other.folders.size) return false;
    for (const [dir, files] of this.folders) {
      const theirs = other.folders.get(dir);
      if (theirs !== files && (theirs === undefined || !sameFiles(files, theirs))) return false;
    }
    return true;
  }

  private writable(dir: string): Map<string, string> {
    if (!this.own.has(dir)) {
      this.folders.set(dir, new Map(this.folders.get(dir)));
      this.own.add(dir);
    }
    return this.folders.get(dir) as Map<string, string>;
  }
}
