/**
 * A minimal OpenAPI v3 surface: per group-version documents with one PATCH operation per kind
 * that declares the query parameters kubectl checks for (`fieldValidation`, `dryRun`, ...).
 * Schemas are not modelled; kubectl only needs to learn that validation happens server-side.
 */
import { groupVersion, type ResourceType } from './resource-types.js';
import type { JsonObject } from './object-util.js';

const HASH = 'kube-sim-1';
const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function docPath(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

function itemPath(t: ResourceType): string {
  const base = `/${docPath(groupVersion(t))}`;
  return t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}/{name}` : `${base}/${t.plural}/{name}`;
}

export function openApiV3Root(served: readonly ResourceType[]): JsonObject {
  const paths: JsonObject = {};
  for (const gv of new Set(served.map(groupVersion))) {
    paths[docPath(gv)] = { serverRelativeURL: `/openapi/v3/${docPath(gv)}?hash=${HASH}` };
  }
  return { paths };
}

export function openApiV3Document(served: readonly ResourceType[], docKey: string): JsonObject | undefined {
  const types = served.filter((t) => docPath(groupVersion(t)) === docKey);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const t of types) {
    paths[itemPath(t)] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
        parameters: QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
