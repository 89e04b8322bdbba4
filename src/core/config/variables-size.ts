// An app's clear variables become its ConfigMap, and the API server refuses a ConfigMap whose data
// totals more than 1 MiB (k8s pkg/apis/core/validation ValidateConfigMap, core.MaxSecretSize). Say
// so when the config is checked, at the largest value, rather than when the cluster refuses it.
import type { ConfigProblem } from '../errors.js';
import type { AppConfig } from './app-config.js';
import { SECRET_MASK } from './schema-constants.js';

/** The API server's limit on the data of one ConfigMap or Secret, in bytes. */
export const MAX_OBJECT_DATA_BYTES = 1024 * 1024;
const LISTED = 3;

interface Value {
  path: string[];
  bytes: number;
}

/** `52,428,862 bytes (50 MiB)`. */
export function sizeText(bytes: number): string {
  const mib = Number((bytes / MAX_OBJECT_DATA_BYTES).toFixed(1));
  return `${bytes.toLocaleString('en-US')} bytes${mib > 0 ? ` (${mib} MiB)` : ''}`;
}

/** As the renderer builds the ConfigMap: every group flattened, secrets, nulls and PORT left out. */
function clearValues(config: AppConfig['config']): Value[] {
  const secrets = new Set(config.secrets ?? []);
  const byKey = new Map<string, Value>();
  for (const [group, vars] of Object.entries(config.variables ?? {})) {
    for (const [key, raw] of Object.entries(vars ?? {})) {
      if (raw === null || raw === undefined || raw === SECRET_MASK || key === 'PORT' || secrets.has(key)) continue;
      byKey.set(key, { path: ['variables', group, key], bytes: Buffer.byteLength(String(raw), 'utf8') });
    }
  }
  return [...byKey.values()];
}

/** `at` places a problem at a merged value, in the file that set it. */
export function variablesSizeProblems(config: AppConfig, at: (path: string[], message: string) => ConfigProblem): ConfigProblem[] {
  const values = clearValues(config.config);
  const total = values.reduce((sum, v) => sum + v.bytes, 0);
  if (total <= MAX_OBJECT_DATA_BYTES) return [];
  const largest = values.sort((a, b) => b.bytes - a.bytes).slice(0, LISTED);
  const top = largest[0];
  const limit = `the API server's limit of ${sizeText(MAX_OBJECT_DATA_BYTES)} for a ConfigMap's data`;
  // One value over the limit: the same message in every environment, so it is reported once.
  if (top && top.bytes > MAX_OBJECT_DATA_BYTES) {
    return [at(top.path, `this value alone is ${sizeText(top.bytes)}: the ConfigMap "${config.app}" of the variables would be above ${limit}`)];
  }
  const where = largest.map((v) => {
    const p = at(v.path, '');
    return `${v.path[2] ?? ''} ${sizeText(v.bytes)} (${p.file}:${p.line})`;
  });
  const message = `the variables of ${config.app} in ${config.env} make its ConfigMap "${config.app}" ${sizeText(total)}, above ${limit}; largest: ${where.join(', ')}`;
  return [at(top?.path ?? ['variables'], message)];
}
