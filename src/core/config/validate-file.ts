// JSON Schema validation of one config file, turned into positioned, readable problems.
// The validators are ajv's code for schema.ts, generated at build time (config-validators.ts):
// compiling the schemas took a quarter of a second at every start.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import type { ConfigProblem } from '../errors.js';
import type { ParsedFile } from './config-file.js';
import * as generated from './config-validators.js';
import { cronProblem } from './cron.js';
import { positionOf } from './positions.js';
import { timeZoneProblem } from './time-zone.js';

export type FileKind = 'project' | 'app';

const validators = generated as unknown as Record<FileKind, ValidateFunction>;

function keyPathOf(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function suggestion(unknown: string, candidates: string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(unknown, candidates);
  const limit = Math.max(2, Math.floor(unknown.length / 3));
  return distance(unknown.toLowerCase(), best.toLowerCase()) <= limit ? ` (did you mean "${best}"?)` : '';
}

/** "Did you mean" for a string that is none of a union of constants (a schedule kind, say). */
function constSuggestion(error: ErrorObject): string {
  const branches = (error.parentSchema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf;
  if (error.keyword !== 'anyOf' || typeof error.data !== 'string' || !branches?.every((b) => typeof b.const === 'string')) return '';
  return suggestion(error.data, branches.map((b) => String(b.const)));
}

interface Explained {
  path: string[];
  onKey: boolean;
  message: string;
}

function explain(error: ErrorObject): Explained | undefined {
  const path = keyPathOf(error.instancePath);
  const schema = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const expected = schema.description ? `expected ${schema.description}` : undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(schema.properties ?? {});
      return { path: [...path, key], onKey: true, message: `unknown key "${key}"${suggestion(key, known)}` };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const inner = (schema as { propertyNames?: { description?: string } }).propertyNames?.description;
      return { path: [...path, key], onKey: true, message: `invalid name "${key}"${inner ? `: expected ${inner}` : ''}` };
    }
    case 'required':
      return { path, onKey: false, message: `missing required key "${String(params.missingProperty)}"` };
    case 'format':
      if (params.format === 'cron') {
        return { path, onKey: false, message: `invalid cron expression ${describeValue(error.data)}: ${cronProblem(String(error.data))}` };
      }
      if (params.format === 'time-zone') return { path, onKey: false, message: timeZoneProblem(String(error.data)) ?? 'invalid time zone' };
      break;
    case 'type':
      return { path, onKey: false, message: `${expected ?? `expected ${String(params.type)}`}, got ${describeValue(error.data)}` };
  }
  const detail = expected ?? error.message ?? 'invalid value';
  return { path, onKey: false, message: `${detail}, got ${describeValue(error.data)}${constSuggestion(error)}` };
}

/**
 * Union errors: when the value reached inside one branch (it has the right type), the errors
 * deeper in it are the useful ones; otherwise a single "expected ..." for the union speaks.
 */
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const inside = errors.filter(
      (e) => e !== union && e.schemaPath.startsWith(`${union.schemaPath}/`) && e.instancePath.startsWith(union.instancePath),
    );
    // A map's own key errors (an unknown or missing key) also mean its branch was reached.
    const deeper = inside.filter((e) => e.instancePath !== union.instancePath || e.keyword === 'additionalProperties' || e.keyword === 'required');
    if (deeper.length > 0) {
      dropped.add(union);
      inside.filter((e) => e.instancePath === union.instancePath && !deeper.includes(e)).forEach((e) => dropped.add(e));
    } else {
      inside.forEach((e) => dropped.add(e));
    }
  }
  return errors.filter((e) => !dropped.has(e) && !('propertyName' in e && e.keyword !== 'propertyNames'));
}

export function validateFile(parsed: ParsedFile, kind: FileKind): ConfigProblem[] {
  const validate = validators[kind];
  if (validate(parsed.data)) return [];
  const problems: ConfigProblem[] = [];
  for (const error of collapseUnions(validate.errors ?? [])) {
    const explained = explain(error);
    if (!explained) continue;
    const pos = positionOf(parsed, parsed.file.text, explained.path, explained.onKey);
    problems.push({ file: parsed.file.path, ...pos, keyPath: explained.path.join('.'), message: explained.message });
  }
  return problems;
}
