/** Errors shaped exactly like the Kubernetes API's `Status` objects. */
import type { JsonObject } from './object-util.js';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: StatusDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): JsonObject {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: string, message: string, details: StatusDetails = {}): JsonObject {
  const body: JsonObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  const cleanDetails = JSON.parse(JSON.stringify(details)) as JsonObject;
  if (Object.keys(cleanDetails).length > 0) body.details = cleanDetails;
  return body;
}

export interface ResourceRef {
  group: string;
  plural: string;
  name: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group === '' ? ref.plural : `${ref.plural}.${ref.group}`;
}

export const apiErrors = {
  notFound: (ref: ResourceRef) =>
    new ApiError(404, 'NotFound', `${qualified(ref)} "${ref.name}" not found`, {
      name: ref.name, group: ref.group, kind: ref.plural,
    }),
  alreadyExists: (ref: ResourceRef) =>
    new ApiError(409, 'AlreadyExists', `${qualified(ref)} "${ref.name}" already exists`, {
      name: ref.name, group: ref.group, kind: ref.plural,
    }),
  conflict: (ref: ResourceRef, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name}": ${why}`, {
      name: ref.name, group: ref.group, kind: ref.plural,
    }),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) =>
    new ApiError(422, 'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ')}`,
      { name, group, kind, causes }),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got "${contentType}")`),
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource'),
  gone: (message: string) => new ApiError(410, 'Expired', message),
} as const;
