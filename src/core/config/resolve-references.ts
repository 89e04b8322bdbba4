// `$NAME` values are read from Nestor's own process environment at render time.
import { ConfigError, type ConfigProblem } from '../errors.js';
import { isPlainObject } from './config-file.js';
import { originsOf, problemAtValue, type AppConfig } from './app-config.js';
import { ENV_REFERENCE } from './schema-constants.js';
import type { MergedConfig } from './schema.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The sections whose values end up in manifests. */
const RESOLVED_SECTIONS = ['variables', 'templateVars'] as const;

function walk(value: unknown, path: string[], visit: (path: string[], name: string) => string | undefined): unknown {
  if (typeof value === 'string') {
    const match = ENV_REFERENCE.exec(value);
    return match ? visit(path, match[1]!) : value;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k], visit);
  return out;
}

/**
 * A copy of the merged config with every `$NAME` of the rendered sections replaced by its value;
 * every missing name is reported at once, with the file and line that asked for it.
 */
export function resolveReferences(config: AppConfig, environment: Environment): MergedConfig {
  const missing: { path: string[]; name: string }[] = [];
  const resolved: Record<string, unknown> = { ...config.config };
  for (const section of RESOLVED_SECTIONS) {
    if (resolved[section] === undefined) continue;
    resolved[section] = walk(resolved[section], [section], (path, name) => {
      const value = environment[name];
      if (value === undefined) missing.push({ path, name });
      return value;
    });
  }
  if (missing.length > 0) {
    const origins = originsOf(config);
    const problems: ConfigProblem[] = missing.map(({ path, name }) =>
      problemAtValue(config, origins, path, `$${name} is not set in Nestor's environment`),
    );
    throw new ConfigError(problems);
  }
  return resolved as MergedConfig;
}
