// The job payload validators are ajv code generated at build time from job-schema.ts
// (scripts/generate-config-validators.ts); this keeps the committed file equal to what the schema
// and the installed ajv give, so the schema cannot change without its validators.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jobValidatorsSource } from '../../../scripts/job-validators-source.js';

describe('the generated job validators', () => {
  it('are what job-schema.ts compiles to (else run `node --import tsx scripts/generate-config-validators.ts`)', () => {
    const committed = readFileSync(new URL('../../../src/core/jobs/job-validators.ts', import.meta.url), 'utf8');
    expect(committed === jobValidatorsSource()).toBe(true);
  });
});
