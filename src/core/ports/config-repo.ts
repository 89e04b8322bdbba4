// Port: the nestor-config git repository. Nestor reads it to render and commits to it on
// `config set` / `scale`.

export interface ConfigAuthor {
  name: string;
  email: string;
}

export interface ConfigUpdateOptions {
  author: ConfigAuthor;
  message: string;
}

export interface ConfigUpdateResult {
  /** The commit holding the change (HEAD when nothing changed). */
  commit: string;
  /** False when `edit` returned the text unchanged: no commit was made. */
  changed: boolean;
}

/** Receives the file's current text (undefined when absent) and returns the new text. */
export type ConfigEdit = (current: string | undefined) => string | Promise<string>;

export interface ConfigRepo {
  /** A file's text at the latest config (path relative to the repo root); undefined when absent. */
  readFile(path: string): Promise<string | undefined>;
  /**
   * Applies `edit` to the latest text, commits with `author`, and publishes the commit. When
   * another writer got there first, `edit` runs again on the newer text (bounded retries),
   * never a force-push. Errors: BadInput for a bad path; GitFailed, retryable, when the
   * change could not be published (nothing is kept locally then).
   */
  update(path: string, edit: ConfigEdit, options: ConfigUpdateOptions): Promise<ConfigUpdateResult>;
  /** A local folder holding the latest config, for the config loader. */
  checkout(): Promise<string>;
}
