// Validation of a user-supplied git ref (branch, tag or commit sha) before any git access.
// Follows `git check-ref-format` and refuses anything that looks like shell syntax, although
// git is never run through a shell: a ref is data, never an option or a command.

import { ErrorCode, NestorError } from '../errors.js';

const MAX_REF_LENGTH = 200;
/** Characters git forbids in refs, plus shell metacharacters and quotes. */
const FORBIDDEN_CHARS = /[\s~^:?*[\\;|$`()&<>'"!{}]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const SHA = /^[0-9a-f]{7,40}$|^[0-9a-f]{64}$/;
const FULL_SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/** A hexadecimal object name, abbreviated (7+) or full; lowercase only, as git prints it. */
export function isSha(value: string): boolean {
  return SHA.test(value);
}

/** A full (40 or 64 hex digits) object name. */
export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/** Why `ref` is not acceptable, or undefined when it is. */
export function refProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'it is empty';
  if (ref.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (CONTROL_CHARS.test(ref)) return 'it contains control characters';
  if (ref.startsWith('-')) return 'it starts with "-"';
  if (FORBIDDEN_CHARS.test(ref)) return 'it contains a space, quote, shell or git-reserved character';
  if (ref.includes('..')) return 'it contains ".."';
  if (ref.includes('@{') || ref === '@') return 'it contains "@{" or is "@"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'it has an empty path component';
  if (ref.endsWith('.')) return 'it ends with "."';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return 'a path component starts with "."';
    if (part.endsWith('.lock')) return 'a path component ends with ".lock"';
  }
  return undefined;
}

/** A printable, single-line rendering of untrusted text for error messages. */
export function quoteForMessage(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/** Returns `ref` when it is a safe branch, tag or sha name; throws NestorError(BadInput) otherwise. */
export function validateRef(ref: string): string {
  const problem = refProblem(ref);
  if (problem !== undefined) {
    throw new NestorError(ErrorCode.BadInput, `invalid ref ${quoteForMessage(ref)}: ${problem}`, {
      detail: { reason: problem },
    });
  }
  return ref;
}
