/** Discovery documents: /version, /api, /apis, group versions and aggregated discovery (v2). */
import { apiGroups, groupVersion, type ResourceType } from './resource-types.js';
import type { JsonObject } from './object-util.js';
import { SCALE_KIND, SCALE_SUBRESOURCE } from './scale-subresource.js';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-nestor-sim' } as const;

export const AGGREGATED_DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export function versionInfo(): JsonObject {
  return {
    ...KUBE_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.3',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function wantsAggregated(accept: string | undefined): boolean {
  return accept !== undefined && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(;|,|$)/.test(accept.replace(/v=v2beta1/g, ''));
}

export function coreVersions(hostPort: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }],
  };
}

function groupOf(group: string, versions: readonly string[]): JsonObject {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] ?? null };
}

export function groupList(served: readonly ResourceType[]): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups(served).map(({ group, versions }) => groupOf(group, versions)) };
}

export function groupInfo(served: readonly ResourceType[], group: string): JsonObject | undefined {
  const found = apiGroups(served).find((g) => g.group === group);
  if (!found) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(group, found.versions) };
}

function typesOf(served: readonly ResourceType[], group: string, version: string): ResourceType[] {
  return served.filter((t) => t.group === group && t.version === version);
}

export function resourceList(served: readonly ResourceType[], group: string, version: string): JsonObject | undefined {
  const types = typesOf(served, group, version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS,
      ...(t.shortNames.length > 0 ? { shortNames: [...t.shortNames] } : {}),
      ...(t.categories.length > 0 ? { categories: [...t.categories] } : {}),
    },
    ...t.subresources.map((sub) => {
      const kind = subresourceKind(t, sub);
      return {
        name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: kind.kind, verbs: SUBRESOURCE_VERBS,
        ...(kind === SCALE_KIND ? { group: kind.group, version: kind.version } : {}),
      };
    }),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

/** What a subresource answers with: the kind itself, or a Scale. */
function subresourceKind(t: ResourceType, sub: string): { group: string; version: string; kind: string } {
  return sub === SCALE_SUBRESOURCE ? SCALE_KIND : { group: t.group, version: t.version, kind: t.kind };
}

function aggregatedResource(t: ResourceType): JsonObject {
  const responseKind = { group: t.group, version: t.version, kind: t.kind };
  return {
    resource: t.plural,
    responseKind,
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: VERBS,
    ...(t.shortNames.length > 0 ? { shortNames: [...t.shortNames] } : {}),
    ...(t.categories.length > 0 ? { categories: [...t.categories] } : {}),
    ...(t.subresources.length > 0
      ? { subresources: t.subresources.map((s) => ({ subresource: s, responseKind: subresourceKind(t, s), verbs: SUBRESOURCE_VERBS })) }
      : {}),
  };
}

function aggregatedGroup(served: readonly ResourceType[], group: string, versions: readonly string[]): JsonObject {
  return {
    metadata: { name: group },
    versions: versions.map((version) => ({ version, resources: typesOf(served, group, version).map(aggregatedResource), freshness: 'Current' })),
  };
}

/** The aggregated discovery document for `/api` (legacy) or `/apis` (named groups). */
export function aggregatedDiscovery(served: readonly ResourceType[], legacy: boolean): JsonObject {
  const items = legacy ? [aggregatedGroup(served, '', ['v1'])] : apiGroups(served).map((g) => aggregatedGroup(served, g.group, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
