/** Decoding request bodies by content type. */
import { load } from 'js-yaml';
import { ApiError, apiErrors } from './api-error.js';
import { asKubeObject, isObject, type JsonValue, type KubeObject } from './object-util.js';

export const PATCH_TYPES = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

export type PatchType = keyof typeof PATCH_TYPES;

export function patchTypeOf(contentType: string): PatchType {
  const base = contentType.split(';')[0]?.trim() ?? '';
  const found = (Object.keys(PATCH_TYPES) as PatchType[]).find((k) => PATCH_TYPES[k] === base);
  if (!found) throw apiErrors.unsupportedMediaType(base);
  return found;
}

export function parseBody(body: string, contentType: string): JsonValue {
  if (contentType.includes('protobuf')) {
    throw new ApiError(415, 'UnsupportedMediaType', `the simulator does not decode protobuf bodies (kubectl create uses them); use kubectl apply or a JSON client`);
  }
  if (body.trim() === '') throw new ApiError(400, 'BadRequest', 'the request body is empty');
  try {
    if (contentType.includes('yaml')) return load(body) as JsonValue;
    return JSON.parse(body) as JsonValue;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ApiError(400, 'BadRequest', `error decoding ${contentType.includes('yaml') ? 'YAML' : 'JSON'} body: ${why}`);
  }
}

/** Parses an object body; like the API server, a missing apiVersion or kind is taken from the URL. */
export function parseObjectBody(body: string, contentType: string, typeMeta: { apiVersion: string; kind: string }): KubeObject {
  const value = parseBody(body, contentType);
  const obj = asKubeObject(isObject(value) ? { ...typeMeta, metadata: {}, ...value } : value);
  if (!obj) throw new ApiError(400, 'BadRequest', 'the request body is not a Kubernetes object (apiVersion, kind and metadata must be strings and a map)');
  return obj;
}
