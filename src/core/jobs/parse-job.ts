// Checks a job payload against its schema, at both ends of the queue: before it is enqueued, and
// again when a worker takes it (it may come from an older or newer producer). One-line errors
// that name the field but never repeat a value (a value may be a secret pasted by mistake).
// The validators are ajv's code for job-schema.ts, generated at build time (job-validators.ts).
import type { ErrorObject, ValidateFunction } from 'ajv';
import { checkAssignment } from '../config/edit-args.js';
import { ErrorCode, NestorError } from '../errors.js';
import { JobKind, type Job } from './job-schema.js';
import { JOB_VALIDATORS } from './job-validators.js';

const validators = JOB_VALIDATORS as Record<JobKind, ValidateFunction>;

const bad = (message: string): NestorError => new NestorError(ErrorCode.BadInput, message);

/** One line naming the field of a schema error (from ajv with `verbose`), never its value: `root.app: expected ...`. */
export function explainSchemaError(error: ErrorObject, root = ''): string {
  const path = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : '';
  const at = [root, path].filter(Boolean).join('.');
  const schema = (error.parentSchema ?? {}) as { description?: string };
  const params = error.params as Record<string, unknown>;
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (error.keyword === 'additionalProperties') return `unknown field "${field(String(params.additionalProperty))}"`;
  if (error.keyword === 'required') return `missing field "${field(String(params.missingProperty))}"`;
  if (error.keyword === 'propertyNames') return `${at}: invalid key (expected a variable name)`;
  const expected = schema.description ? `expected ${schema.description}` : (error.message ?? 'invalid');
  return `${at || 'job'}: ${expected}`;
}

/** The job if `data` is a valid job; otherwise NestorError(BadInput) with one line. */
export function parseJob(data: unknown): Job {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('invalid job: expected an object');
  const kind = (data as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !JobKind.includes(kind as JobKind)) {
    throw bad(`invalid job: unknown kind ${typeof kind === 'string' ? `"${kind.slice(0, 40)}"` : String(kind)} (expected ${JobKind.join(', ')})`);
  }
  const validate = validators[kind as JobKind];
  if (!validate(data)) {
    // A union reports each branch's literal mismatch first: the union's own error says more.
    const first = validate.errors?.find((e) => e.keyword !== 'const') ?? validate.errors?.[0];
    throw bad(`invalid ${kind} job: ${first ? explainSchemaError(first) : 'does not match its schema'}`);
  }
  const job = data as Job;
  checkSemantics(job);
  return job;
}

function checkSemantics(job: Job): void {
  if (job.kind === 'scale') {
    const wrong = job.specs.find((s) => s.max < s.min);
    if (wrong) throw bad(`invalid scale job: ${wrong.process} has max below min`);
  }
  if (job.kind === 'config-set') {
    const keys = Object.keys(job.values);
    if (keys.length + job.secrets.length === 0) throw bad('invalid config-set job: no value and no secret to set');
    const both = job.secrets.find((name) => keys.includes(name));
    if (both) throw bad(`invalid config-set job: ${both} is given both as a value and as a secret`);
    try {
      for (const key of keys) checkAssignment(key, job.values[key] ?? '');
    } catch (error) {
      throw error instanceof NestorError ? bad(`invalid config-set job: ${error.message}`) : error;
    }
  }
}
