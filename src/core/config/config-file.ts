/** A file of a nestor-config tree, as read by an adapter (folder, git commit) or built by a test. */
export interface ConfigFile {
  /** Path relative to the config root, with `/` separators: `dev3/apps/mary.yaml`. */
  path: string;
  text: string;
}

/** A parsed YAML file of the tree. */
export interface ParsedFile {
  file: ConfigFile;
  data: Record<string, unknown>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
