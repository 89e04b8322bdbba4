// Writes src/core/render/precompiled-templates.ts (see precompiled-templates-source.ts). `npm run build` runs it.
import { writeFileSync } from 'node:fs';
import { precompiledTemplatesSource } from './precompiled-templates-source.js';

writeFileSync(new URL('../src/core/render/precompiled-templates.ts', import.meta.url), precompiledTemplatesSource());
