// `config get <app> <env> [KEY...]`: the app's merged variables, each with the file (and line)
// it comes from. Secrets show as `********`: the config only names them, and their values are
// never read for this.
import { SECRET_MASK, appConfig, originsOf, pathKey, positionOf, type ConfigTree, type Origins } from '../config/index.js';
import { checkVariableName } from '../config/edit-args.js';
import type { ParsedFile } from '../config/config-file.js';
import { compareText } from '../text/compare-text.js';

export interface ConfigEntry {
  key: string;
  /** The value as configured (`$NAME` references unresolved); `********` for a secret. */
  value: string;
  secret: boolean;
  /** The variables group (`app`, `ope`...); absent for a name from the `secrets:` list. */
  group?: string;
  /** `dev3/apps/mary.yaml:7`: the file that set it. */
  origin: string;
}

export interface ConfigView {
  entries: ConfigEntry[];
  /** Keys asked for that are not set. */
  missing: string[];
}

function where(origins: Origins, path: string[]): string {
  const file: ParsedFile | undefined = origins.get(pathKey(path));
  if (!file) return '?';
  return `${file.file.path}:${positionOf(file, file.file.text, path).line}`;
}

/** Every variable and secret of the app in the environment (or only `keys`), sorted by key. */
export function configView(tree: ConfigTree, app: string, env: string, keys: readonly string[] = []): ConfigView {
  keys.forEach(checkVariableName);
  const config = appConfig(tree, app, env);
  const origins = originsOf(config);
  const listed = new Set(config.config.secrets ?? []);
  const entries = new Map<string, ConfigEntry>();
  for (const [group, vars] of Object.entries(config.config.variables ?? {})) {
    for (const [key, raw] of Object.entries(vars ?? {})) {
      if (raw === null || raw === undefined || entries.has(key)) continue;
      const secret = raw === SECRET_MASK || listed.has(key);
      entries.set(key, { key, value: secret ? SECRET_MASK : String(raw), secret, group, origin: where(origins, ['variables', group, key]) });
    }
  }
  for (const key of listed) {
    if (!entries.has(key)) entries.set(key, { key, value: SECRET_MASK, secret: true, origin: where(origins, ['secrets']) });
  }
  const wanted = keys.length > 0 ? new Set(keys) : undefined;
  return {
    entries: [...entries.values()].filter((e) => !wanted || wanted.has(e.key)).sort((a, b) => compareText(a.key, b.key)),
    missing: keys.filter((k) => !entries.has(k)),
  };
}

const PLAIN = /^[\w.,:/@%+=*-]*$/;

/** One line per entry: `KEY=value  # file:line (group)`; odd values JSON-quoted. */
export function formatConfigView(view: ConfigView): string {
  const width = Math.max(0, ...view.entries.map((e) => e.key.length + 1 + (PLAIN.test(e.value) ? e.value.length : JSON.stringify(e.value).length)));
  const lines = view.entries.map((e) => {
    const text = `${e.key}=${PLAIN.test(e.value) ? e.value : JSON.stringify(e.value)}`;
    const note = e.secret ? `secret, named in ${e.origin}` : `${e.origin} (${e.group ?? ''})`;
    return `${text.padEnd(width)}  # ${note}`;
  });
  return lines.map((l) => `${l}\n`).join('');
}
