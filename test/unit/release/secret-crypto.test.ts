import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/core/errors.js';
import {
  decryptManifestSecrets,
  decryptValue,
  encryptManifestSecrets,
  encryptValue,
  ENCRYPTED_PREFIX,
  hasEncryptedSecrets,
  parseHistoryKey,
  splitDocuments,
} from '../../../src/core/release/secret-crypto.js';

const KEY = parseHistoryKey(Buffer.alloc(32, 1).toString('base64'));
const OTHER = parseHistoryKey('ab'.repeat(32));

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: mary,   labels: {app: mary}}  # comment kept
`;
const SECRET = `---
apiVersion: v1
kind: Secret
metadata:
  name: mary-env
data:
  DB_PASSWORD: aHVudGVyMg==
stringData:
  TOKEN: "multi\\nline: value"
  EMPTY: null
`;
const CONFIG_MAP = `---
kind: ConfigMap
metadata: {name: not-a-Secret}
data: {A: "1"}
`;

describe('history key', () => {
  it('reads 32 bytes from base64 or hex and refuses anything else', () => {
    expect(parseHistoryKey('00'.repeat(32))).toHaveLength(32);
    expect(parseHistoryKey(` ${Buffer.alloc(32, 9).toString('base64')}\n`)).toHaveLength(32);
    for (const bad of ['', 'short', '00'.repeat(31), Buffer.alloc(16).toString('base64')]) {
      expect(() => parseHistoryKey(bad)).toThrow(expect.objectContaining({ code: ErrorCode.BadInput }));
    }
  });
});

describe('value encryption', () => {
  it('round-trips, is randomised, and binds the context', () => {
    const a = encryptValue(KEY, 'hunter2', 'x:data:A');
    expect(a.startsWith(ENCRYPTED_PREFIX)).toBe(true);
    expect(a).not.toBe(encryptValue(KEY, 'hunter2', 'x:data:A'));
    expect(decryptValue(KEY, a, 'x:data:A')).toBe('hunter2');
    expect(() => decryptValue(KEY, a, 'x:data:B')).toThrow(/wrong history key/);
    expect(() => decryptValue(OTHER, a, 'x:data:A')).toThrow(/wrong history key/);
  });
});

describe('manifest secrets', () => {
  const manifests = SERVICE + SECRET + CONFIG_MAP;

  it('splits a stream so that joining gives the same bytes', () => {
    expect(splitDocuments(manifests)).toHaveLength(3);
    expect(splitDocuments(manifests).join('')).toBe(manifests);
  });

  it('encrypts Secret values only and keeps other documents byte for byte', () => {
    const sealed = encryptManifestSecrets(manifests, KEY);
    const [service, secret, configMap] = splitDocuments(sealed);
    expect(service).toBe(SERVICE);
    expect(configMap).toBe(CONFIG_MAP);
    expect(secret).not.toContain('aHVudGVyMg==');
    expect(secret).not.toContain('multi');
    expect(secret).toContain('EMPTY: null');
    expect(hasEncryptedSecrets(sealed)).toBe(true);
    expect(encryptManifestSecrets(sealed, KEY)).toBe(sealed);
    const opened = decryptManifestSecrets(sealed, KEY);
    expect(opened).toContain('DB_PASSWORD: aHVudGVyMg==');
    const [, openedSecret] = splitDocuments(opened);
    expect(yaml.load(openedSecret ?? '')).toEqual(yaml.load(SECRET));
    expect(opened.startsWith(SERVICE)).toBe(true);
    expect(hasEncryptedSecrets(opened)).toBe(false);
  });

  it('refuses a Secret with values when there is no key, but not an empty one', () => {
    expect(() => encryptManifestSecrets(manifests, undefined)).toThrow(/refusing to record Secret mary-env in clear/);
    const empty = 'kind: Secret\nmetadata: {name: e}\ndata: {}\n';
    expect(encryptManifestSecrets(SERVICE + '---\n' + empty, undefined)).toBe(SERVICE + '---\n' + empty);
  });

  it('finds Secrets inside a List', () => {
    const list = 'kind: List\nitems:\n  - kind: Secret\n    metadata: {name: s}\n    stringData: {A: clear-text}\n';
    const sealed = encryptManifestSecrets(list, KEY);
    expect(sealed).not.toContain('clear-text');
    expect(decryptManifestSecrets(sealed, KEY)).toContain('A: clear-text');
  });

  it('refuses a manifest that is not YAML', () => {
    expect(() => encryptManifestSecrets('kind: Secret\ndata: [unclosed\n', KEY)).toThrow(expect.objectContaining({ code: ErrorCode.BadInput }));
  });
});
