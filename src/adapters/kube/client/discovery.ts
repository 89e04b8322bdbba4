// Which REST resource serves a kind (plural name, namespaced or not), read once per group
// version from the API server's discovery documents, like kubectl and KubernetesObjectApi do.
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { KindRef, ObjectRef } from '../../../core/ports/cluster.js';

export interface ApiResource {
  plural: string;
  namespaced: boolean;
}

interface ResourceListBody {
  resources?: { name?: string; kind?: string; namespaced?: boolean }[];
}

/** Fetches a discovery document (`/api/v1`, `/apis/apps/v1`); undefined when not served (404). */
export type FetchDiscovery = (path: string) => Promise<ResourceListBody | undefined>;

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** A kind of a group outside Kubernetes' own (`apps`, `*.k8s.io`): a custom resource. */
const isCustom = (kind: KindRef): boolean => {
  const group = kind.apiVersion.includes('/') ? kind.apiVersion.slice(0, kind.apiVersion.lastIndexOf('/')) : '';
  return group.includes('.') && !group.endsWith('.k8s.io');
};

export class Discovery {
  private readonly cache = new Map<string, Promise<Map<string, ApiResource> | undefined>>();

  constructor(private readonly clusterName: string, private readonly fetch: FetchDiscovery) {}

  async resource(kind: KindRef): Promise<ApiResource> {
    const found = await this.find(kind);
    if (!found) {
      throw new NestorError(ErrorCode.BadInput, `cluster ${this.clusterName} does not serve ${kind.kind} in ${kind.apiVersion}${isCustom(kind) ? ' (is its CRD installed?)' : ''}`);
    }
    return found;
  }

  /** False when the cluster does not serve the kind (a CRD not installed); a failed discovery read throws. */
  async serves(kind: KindRef): Promise<boolean> {
    return (await this.find(kind)) !== undefined;
  }

  private async find(kind: KindRef): Promise<ApiResource | undefined> {
    let pending = this.cache.get(kind.apiVersion);
    if (!pending) {
      pending = this.load(kind.apiVersion);
      this.cache.set(kind.apiVersion, pending);
      pending.catch(() => this.cache.delete(kind.apiVersion));
    }
    return (await pending)?.get(kind.kind);
  }

  /** The REST path of one object (or of its collection when `name` is omitted). */
  async path(ref: Omit<ObjectRef, 'name'> & { name?: string }, defaultNamespace: string): Promise<string> {
    const resource = await this.resource(ref);
    const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? defaultNamespace)}` : '';
    const name = ref.name === undefined ? '' : `/${encodeURIComponent(ref.name)}`;
    return `${groupVersionPath(ref.apiVersion)}${namespace}/${resource.plural}${name}`;
  }

  private async load(apiVersion: string): Promise<Map<string, ApiResource> | undefined> {
    const body = await this.fetch(groupVersionPath(apiVersion));
    if (!body) return undefined;
    const byKind = new Map<string, ApiResource>();
    for (const r of body.resources ?? []) {
      if (!r.name || !r.kind || r.name.includes('/')) continue;
      byKind.set(r.kind, { plural: r.name, namespaced: r.namespaced === true });
    }
    return byKind;
  }
}
