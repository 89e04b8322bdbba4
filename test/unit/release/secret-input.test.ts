import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValues } from '../../../src/core/release/secret-input.js';

describe('SecretValues', () => {
  const value = 'p4ss-w0rd-value';

  it('never shows a value when serialised, printed or inspected', () => {
    const secrets = SecretValues.of({ API_KEY: value });
    for (const text of [JSON.stringify({ input: secrets }), String(secrets), inspect({ secrets }, { depth: 5, showHidden: true })]) {
      expect(text).not.toContain(value);
      expect(text).toContain('API_KEY');
    }
  });

  it('gives the names and the values as a Secret holds them', () => {
    const secrets = SecretValues.of({ B: 'x', A: 'é' });
    expect(secrets.names()).toEqual(['B', 'A']);
    expect(secrets.base64()).toEqual({ B: 'eA==', A: 'w6k=' });
  });

  it('refuses bad names without repeating the value, and an empty set', () => {
    expect(() => SecretValues.of({ 'A-B': value })).toThrow('invalid variable name "A-B"');
    expect(() => SecretValues.of({ 'A-B': value })).not.toThrow(value);
    expect(() => SecretValues.of({})).toThrow('give at least one KEY=VALUE');
  });
});
