/** Turns a request path into a resource route (type, namespace, name, subresource). */
import { findByPlural, type ResourceType } from './resource-types.js';

export interface ResourceRoute {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Prefix {
  group: string;
  version: string;
  rest: string[];
}

function splitPrefix(segments: string[]): Prefix | undefined {
  if (segments[0] === 'api' && segments[1] !== undefined) return { group: '', version: segments[1], rest: segments.slice(2) };
  if (segments[0] === 'apis' && segments[1] !== undefined && segments[2] !== undefined) {
    return { group: segments[1], version: segments[2], rest: segments.slice(3) };
  }
  return undefined;
}

function tail(resource: ResourceType, namespace: string | undefined, rest: string[]): ResourceRoute | undefined {
  if (rest.length > 2) return undefined;
  const [name, subresource] = rest;
  if (subresource !== undefined && !resource.subresources.includes(subresource)) return undefined;
  if (resource.namespaced && name !== undefined && namespace === undefined) return undefined;
  return {
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

/** The route of a path to one of the kinds `served`; undefined for any other path. */
export function routeResource(served: readonly ResourceType[], pathname: string): ResourceRoute | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const prefix = splitPrefix(segments);
  if (!prefix) return undefined;
  const { group, version, rest } = prefix;
  const [first, second, third, ...more] = rest;
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const namespaced = findByPlural(served, group, version, third);
    if (namespaced?.namespaced) return tail(namespaced, second, more);
  }
  if (first === undefined) return undefined;
  const resource = findByPlural(served, group, version, first);
  if (!resource) return undefined;
  return tail(resource, undefined, rest.slice(1));
}
