// The config validators are ajv code generated at build time from schema.ts
// (scripts/generate-config-validators.ts); this keeps the committed file equal to what the schema
// and the installed ajv give, so the schema cannot change without its validators.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configValidatorsSource } from '../../../scripts/config-validators-source.js';

describe('the generated config validators', () => {
  it('are what schema.ts compiles to (else run `node --import tsx scripts/generate-config-validators.ts`)', () => {
    const committed = readFileSync(new URL('../../../src/core/config/config-validators.ts', import.meta.url), 'utf8');
    expect(committed === configValidatorsSource()).toBe(true);
  });
});
