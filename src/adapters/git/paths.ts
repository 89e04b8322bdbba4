// Validation of the names and paths that reach git or the file system.

import { ErrorCode, NestorError } from '../../core/errors.js';
import { quoteForMessage } from '../../core/release/ref.js';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CLUSTER_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,126}[A-Za-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function bad(message: string): NestorError {
  return new NestorError(ErrorCode.BadInput, message);
}

/** An app or environment name: a DNS-1123 label. */
export function checkName(what: 'app' | 'environment', value: string): string {
  if (!DNS_LABEL.test(value)) throw bad(`invalid ${what} name ${quoteForMessage(value)}: use a-z, 0-9 and "-" (63 at most)`);
  return value;
}

export function checkClusterName(value: string): string {
  if (!CLUSTER_NAME.test(value) || value.includes('..')) {
    throw bad(`invalid cluster name ${quoteForMessage(value)}`);
  }
  return value;
}

/** A path relative to a repository root, with no way out of it. */
export function checkRelativePath(path: string): string {
  const parts = path.split('/');
  const escapes = parts.some((p) => p === '' || p === '.' || p === '..') || parts[0] === '.git';
  if (path.length === 0 || path.length > 500 || CONTROL_CHARS.test(path) || path.includes('\\') || escapes) {
    throw bad(`invalid repository path ${quoteForMessage(path)}`);
  }
  return path;
}

/** A git origin: a local path or a URL, never an option or a transport helper. */
export function checkOrigin(origin: string): string {
  if (origin.length === 0 || origin.startsWith('-') || CONTROL_CHARS.test(origin) || origin.includes('::')) {
    throw bad(`invalid git origin ${quoteForMessage(displayOrigin(origin))}`);
  }
  return origin;
}

/** The origin as shown to users and logs: credentials in URLs are removed. */
export function displayOrigin(origin: string): string {
  return origin.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** Single-line text for commit messages and trailers. */
export function oneLine(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, max);
}
