/** Routes for the non-resource paths kubectl and client libraries ask for. */
import { apiErrors } from './api-error.js';
import {
  aggregatedDiscovery, AGGREGATED_DISCOVERY_TYPE, coreVersions, groupInfo, groupList, resourceList, versionInfo, wantsAggregated,
} from './discovery.js';
import type { JsonObject } from './object-util.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';
import type { ResourceType } from './resource-types.js';

export interface DiscoveryReply {
  status: number;
  body: JsonObject;
  contentType?: string;
}

type Route = (segments: string[], accept: string | undefined, hostPort: string, served: readonly ResourceType[]) => DiscoveryReply | undefined;

const ok = (body: JsonObject | undefined): DiscoveryReply | undefined => (body ? { status: 200, body } : undefined);

const ROUTES: Route[] = [
  (s) => (s.length === 1 && s[0] === 'version' ? ok(versionInfo()) : undefined),
  (s, accept, hostPort, served) => {
    if (s.length !== 1 || (s[0] !== 'api' && s[0] !== 'apis')) return undefined;
    const legacy = s[0] === 'api';
    if (wantsAggregated(accept)) return { status: 200, body: aggregatedDiscovery(served, legacy), contentType: AGGREGATED_DISCOVERY_TYPE };
    return ok(legacy ? coreVersions(hostPort) : groupList(served));
  },
  (s, _a, _h, served) => (s.length === 2 && s[0] === 'api' ? ok(resourceList(served, '', s[1] ?? '')) : undefined),
  (s, _a, _h, served) => (s.length === 2 && s[0] === 'apis' ? ok(groupInfo(served, s[1] ?? '')) : undefined),
  (s, _a, _h, served) => (s.length === 3 && s[0] === 'apis' ? ok(resourceList(served, s[1] ?? '', s[2] ?? '')) : undefined),
];

function openApiReply(segments: string[], served: readonly ResourceType[]): DiscoveryReply {
  if (segments[1] === 'v3') {
    const body = segments.length === 2 ? openApiV3Root(served) : openApiV3Document(served, segments.slice(2).join('/'));
    if (body) return { status: 200, body };
  }
  return { status: 404, body: apiErrors.pathNotFound().toStatus() };
}

const HEALTH = new Set(['healthz', 'livez', 'readyz']);

/** Answers a discovery path for the kinds `served`, or `undefined` when the path is not a discovery path. */
export function discoveryReply(served: readonly ResourceType[], pathname: string, accept: string | undefined, hostPort: string): DiscoveryReply | undefined {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.length === 1 && HEALTH.has(segments[0] ?? '')) return { status: 200, body: { status: 'ok' } };
  if (segments[0] === 'openapi') return openApiReply(segments, served);
  for (const route of ROUTES) {
    const reply = route(segments, accept, hostPort, served);
    if (reply) return reply;
  }
  return undefined;
}
