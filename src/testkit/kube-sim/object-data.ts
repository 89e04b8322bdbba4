/**
 * Secret and ConfigMap data as the API server treats it on write. `stringData` is folded into
 * `data` (base64), winning over `data` for the same key, and is never stored or returned
 * (k8s pkg/apis/core/v1 conversion.go, Convert_v1_Secret_To_core_Secret). Keys must be valid
 * config keys, and the data may total at most 1 MiB (pkg/apis/core/validation: ValidateSecret
 * sums the decoded `data` values, ValidateConfigMap `data` and `binaryData`; core.MaxSecretSize).
 */
import type { StatusCause } from './api-error.js';
import { isObject, type KubeObject } from './object-util.js';

export const MAX_DATA_BYTES = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function foldStringData(obj: KubeObject): void {
  if (obj.kind !== 'Secret' || !('stringData' in obj)) return;
  const stringData = obj.stringData;
  delete obj.stringData;
  if (!isObject(stringData) || Object.keys(stringData).length === 0) return;
  const data = isObject(obj.data) ? obj.data : {};
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  obj.data = data;
}

/** Key and total-size causes for a Secret or a ConfigMap; none for other kinds. */
export function dataCauses(obj: KubeObject): StatusCause[] {
  if (obj.kind === 'Secret') {
    const causes = keyCauses(obj, 'data');
    return bytes(obj, 'data', base64Bytes) > MAX_DATA_BYTES ? [...causes, tooLong('data')] : causes;
  }
  if (obj.kind === 'ConfigMap') {
    const causes = [...keyCauses(obj, 'data'), ...keyCauses(obj, 'binaryData')];
    const total = bytes(obj, 'data', (v) => Buffer.byteLength(v, 'utf8')) + bytes(obj, 'binaryData', base64Bytes);
    return total > MAX_DATA_BYTES ? [...causes, tooLong('[]')] : causes;
  }
  return [];
}

/** Decoded length, without decoding. */
function base64Bytes(value: string): number {
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return Math.floor((value.length * 3) / 4) - padding;
}

function keyCauses(obj: KubeObject, field: string): StatusCause[] {
  const map = obj[field];
  if (!isObject(map)) return [];
  return Object.keys(map).filter((k) => !CONFIG_KEY.test(k) || k === '.' || k === '..' || k.startsWith('..')).map((k) => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    field: `${field}[${k}]`,
  }));
}

function bytes(obj: KubeObject, field: string, size: (value: string) => number): number {
  const map = obj[field];
  if (!isObject(map)) return 0;
  let total = 0;
  for (const value of Object.values(map)) if (typeof value === 'string') total += size(value);
  return total;
}

function tooLong(field: string): StatusCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${MAX_DATA_BYTES} bytes`, field };
}
