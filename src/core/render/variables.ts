// Variables of an app: all groups flattened into one ConfigMap; secrets only ever referenced.
import { createHash } from 'node:crypto';
import { SECRET_MASK } from '../config/schema-constants.js';
import type { MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';

export interface AppVariables {
  /** Clear values, stringified, keys sorted. */
  data: Record<string, string>;
  /** Names read from the Secret `<app>-secrets`, sorted. */
  secretNames: string[];
  /** Changes whenever `data` or the secret names change: a pod-template annotation rolls pods. */
  hash: string;
}

export const DEFAULT_PORT = 8080;

export function appVariables(config: MergedConfig): AppVariables {
  const secrets = new Set(config.secrets ?? []);
  const seen = new Map<string, { group: string; value: string }>();
  for (const [group, vars] of Object.entries(config.variables ?? {})) {
    for (const [key, raw] of Object.entries(vars ?? {})) {
      if (raw === null || raw === undefined) continue;
      if (raw === SECRET_MASK) {
        secrets.add(key);
        continue;
      }
      addVariable(seen, key, group, String(raw));
    }
  }
  const data: Record<string, string> = {};
  for (const key of [...seen.keys()].sort()) if (!secrets.has(key)) data[key] = seen.get(key)?.value ?? '';
  checkPort(data, config.port ?? DEFAULT_PORT);
  const secretNames = [...secrets].sort();
  return { data, secretNames, hash: hashOf(data, secretNames) };
}

function addVariable(seen: Map<string, { group: string; value: string }>, key: string, group: string, value: string): void {
  const before = seen.get(key);
  if (before && before.value !== value) {
    throw new NestorError(
      ErrorCode.RenderFailed,
      `variable ${key} is set in groups ${before.group} and ${group} with different values; keep one`,
    );
  }
  seen.set(key, { group, value });
}

function checkPort(data: Record<string, string>, port: number): void {
  if (data['PORT'] !== undefined && data['PORT'] !== String(port)) {
    throw new NestorError(ErrorCode.RenderFailed, `variable PORT (${data['PORT']}) differs from port (${port}); set port: instead`);
  }
  delete data['PORT'];
}

function hashOf(data: Record<string, string>, secretNames: string[]): string {
  return createHash('sha256').update(JSON.stringify([data, secretNames])).digest('hex').slice(0, 16);
}
