// Writes src/core/config/config-validators.ts (see config-validators-source.ts). `npm run build` runs it.
import { writeFileSync } from 'node:fs';
import { configValidatorsSource } from './config-validators-source.js';

writeFileSync(new URL('../src/core/config/config-validators.ts', import.meta.url), configValidatorsSource());
