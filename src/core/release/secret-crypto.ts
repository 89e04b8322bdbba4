// AES-256-GCM encryption of Kubernetes Secret values inside multi-document manifest YAML, so the
// release history never holds a secret in clear yet a rollback can restore it. Only Secret
// documents are rewritten (canonical js-yaml dump); every other document keeps its exact bytes.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import yaml from 'js-yaml';
import { ErrorCode, NestorError } from '../errors.js';

export const ENCRYPTED_PREFIX = 'nestor-enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
const DUMP_OPTIONS: yaml.DumpOptions = { lineWidth: -1, noRefs: true };
const SECRET_FIELDS = ['data', 'stringData'] as const;

/** A 32-byte AES key, parsed from base64 or hex text (the value of NESTOR_HISTORY_KEY). */
export function parseHistoryKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new NestorError(ErrorCode.BadInput, 'the history key must be 32 bytes, written in base64 or hex');
  }
  return key;
}

export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);
}

/** `context` is authenticated (not secret): a ciphertext only decrypts where it was written. */
export function encryptValue(key: Buffer, plaintext: string, context = ''): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ENCRYPTED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decryptValue(key: Buffer, value: string, context = ''): string {
  const raw = Buffer.from(value.slice(ENCRYPTED_PREFIX.length), 'base64');
  if (!value.startsWith(ENCRYPTED_PREFIX) || raw.length < IV_BYTES + TAG_BYTES) {
    throw new NestorError(ErrorCode.BadInput, 'not a value encrypted by Nestor');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new NestorError(ErrorCode.BadInput, 'cannot decrypt a secret of the release history: wrong history key', {
      cause,
    });
  }
}

type ValueFn = (value: unknown, context: string) => unknown;

/** Encrypts every clear Secret value; without a key, a Secret holding a clear value is refused. */
export function encryptManifestSecrets(manifests: string, key: Buffer | undefined): string {
  return rewriteSecretDocuments(manifests, (value, context) => {
    if (value === null || value === undefined || isEncryptedValue(value)) return value;
    if (key === undefined) {
      throw new NestorError(
        ErrorCode.BadInput,
        `refusing to record Secret ${context.split(':')[0]} in clear: no history key (NESTOR_HISTORY_KEY) is set`,
      );
    }
    return encryptValue(key, typeof value === 'string' ? value : String(value), context);
  });
}

/** Decrypts the values encrypted by `encryptManifestSecrets`. */
export function decryptManifestSecrets(manifests: string, key: Buffer): string {
  return rewriteSecretDocuments(manifests, (value, context) =>
    isEncryptedValue(value) ? decryptValue(key, value, context) : value,
  );
}

/** Whether the manifests still hold encrypted values (read without a key). */
export function hasEncryptedSecrets(manifests: string): boolean {
  return manifests.includes(ENCRYPTED_PREFIX);
}

/** Splits a YAML stream at document-start lines; joining the parts gives back the exact text. */
export function splitDocuments(text: string): string[] {
  const starts = [...text.matchAll(DOCUMENT_START)].map((m) => m.index).filter((i) => i > 0);
  const bounds = [0, ...starts, text.length];
  return bounds.slice(0, -1).map((start, i) => text.slice(start, bounds[i + 1]));
}

function rewriteSecretDocuments(manifests: string, fn: ValueFn): string {
  return splitDocuments(manifests)
    .map((part) => (part.includes('Secret') ? rewritePart(part, fn) : part))
    .join('');
}

function rewritePart(part: string, fn: ValueFn): string {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(part);
  } catch (cause) {
    throw new NestorError(ErrorCode.BadInput, 'a manifest document is not valid YAML', { cause });
  }
  const doc = docs[0];
  if (docs.length !== 1 || !transformSecrets(doc, fn)) return part;
  const marker = part.startsWith('---') ? '---\n' : '';
  const dumped = yaml.dump(doc, DUMP_OPTIONS);
  return marker + (part.endsWith('\n') ? dumped : dumped.replace(/\n$/, ''));
}

/** Applies `fn` to each value of each Secret in `doc` (a Secret or a List); true if any was seen. */
function transformSecrets(doc: unknown, fn: ValueFn): boolean {
  if (!isRecord(doc)) return false;
  let touched = false;
  if (Array.isArray(doc.items)) {
    for (const item of doc.items) touched = transformSecrets(item, fn) || touched;
  }
  if (doc.kind !== 'Secret') return touched;
  const name = isRecord(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : '';
  for (const field of SECRET_FIELDS) {
    const values = doc[field];
    if (!isRecord(values)) continue;
    for (const [k, v] of Object.entries(values)) {
      const next = fn(v, `${name}:${field}:${k}`);
      if (next !== v) touched = true;
      values[k] = next;
    }
  }
  return touched;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
