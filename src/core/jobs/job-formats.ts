// The formats the job schema names beyond JSON Schema's own, shared by the validators generated
// at build time (scripts/job-validators-source.ts) and what they call at run time.
import { refProblem } from '../release/ref.js';

export const JOB_FORMATS = {
  'git-ref': { type: 'string', validate: (s: string): boolean => refProblem(s) === undefined },
} as const;
