// The formats the config schema names beyond JSON Schema's own, shared by the validators
// generated at build time (scripts/generate-config-validators.ts) and what they call at run time.
import { cronProblem } from './cron.js';
import { timeZoneProblem } from './time-zone.js';

export const CONFIG_FORMATS = {
  cron: { type: 'string', validate: (s: string): boolean => cronProblem(s) === undefined },
  'time-zone': { type: 'string', validate: (s: string): boolean => timeZoneProblem(s) === undefined },
} as const;
