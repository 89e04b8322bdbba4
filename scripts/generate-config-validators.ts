// Writes src/core/config/config-validators.ts and src/core/jobs/job-validators.ts (see
// config-validators-source.ts, job-validators-source.ts). `npm run build` runs it.
import { writeFileSync } from 'node:fs';
import { configValidatorsSource } from './config-validators-source.js';
import { jobValidatorsSource } from './job-validators-source.js';

writeFileSync(new URL('../src/core/config/config-validators.ts', import.meta.url), configValidatorsSource());
writeFileSync(new URL('../src/core/jobs/job-validators.ts', import.meta.url), jobValidatorsSource());
