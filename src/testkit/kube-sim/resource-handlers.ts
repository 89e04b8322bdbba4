/** The verbs on resources: get, list, create, update, patch (apply, merge, strategic, json), delete. */
import { randomBytes } from 'node:crypto';
import { ApiError, apiErrors } from './api-error.js';
import { applyDefaults } from './defaults.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './label-selector.js';
import { recordUpdate } from './managed-fields.js';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './merge-patch.js';
import { foldStringData } from './object-data.js';
import { asKubeObject, deepClone, deepEqual, getIn, isObject, str, stringMap, type JsonObject, type KubeObject } from './object-util.js';
import { parseBody, parseObjectBody, patchTypeOf, type PatchType } from './request-body.js';
import { groupVersion, type ResourceType } from './resource-types.js';
import type { ResourceRoute } from './router.js';
import { SCALE_SUBRESOURCE, scaleOf, withScale } from './scale-subresource.js';
import { serverSideApply } from './server-side-apply.js';
import { rfc3339, type ObjectStore } from './store.js';
import { toTable, wantsTable } from './table.js';
import { unknownFieldPaths, validate } from './validation.js';

export interface ResourceRequest {
  route: ResourceRoute;
  method: string;
  query: URLSearchParams;
  body: string;
  contentType: string;
  accept: string;
  userAgent: string;
}

export interface JsonReply {
  status: number;
  body: JsonObject;
}

export interface HandlerDeps {
  store: ObjectStore;
  now: () => Date;
  allocateIp: () => string;
}

type Handler = (req: ResourceRequest) => JsonReply;

function withTypeMeta(resource: ResourceType, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: groupVersion(resource), kind: resource.kind };
}

function typeMetaOf(resource: ResourceType): { apiVersion: string; kind: string } {
  return { apiVersion: groupVersion(resource), kind: resource.kind };
}

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** kubectl asks for Strict by default: an unknown field is refused rather than dropped. */
function checkStrictFields(req: ResourceRequest, obj: KubeObject, applyPatch = false): void {
  if (req.query.get('fieldValidation') !== 'Strict') return;
  const unknown = unknownFieldPaths(obj);
  if (unknown.length === 0) return;
  if (!applyPatch) throw apiErrors.badRequest(`strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`);
  const { namespace, name } = req.route;
  const target = `${namespace ? `${namespace}/` : ''}${name ?? ''}; ${obj.apiVersion}, Kind=${obj.kind}`;
  throw apiErrors.badRequest(`failed to create typed patch object (${target}): ${unknown.map((p) => `.${p}: field not declared in schema`).join(', ')}`);
}

function managerOf(req: ResourceRequest): string {
  return req.query.get('fieldManager') ?? (req.userAgent.split('/')[0] || 'unknown');
}

export class ResourceHandlers {
  private readonly handlers: Record<string, Handler> = {
    'GET item': (req) => this.get(req),
    'GET collection': (req) => this.list(req),
    'POST collection': (req) => this.create(req),
    'PUT item': (req) => this.update(req),
    'PATCH item': (req) => this.patch(req),
    'DELETE item': (req) => this.delete(req),
    'DELETE collection': (req) => this.deleteCollection(req),
  };

  constructor(private readonly deps: HandlerDeps) {}

  handle(req: ResourceRequest): JsonReply {
    if (req.route.subresource === SCALE_SUBRESOURCE) return this.scale(req);
    const handler = this.handlers[`${req.method} ${req.route.name === undefined ? 'collection' : 'item'}`];
    if (!handler) throw apiErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    return handler(req);
  }

  /** Objects of a route matching its label and field selectors (used by list and watch). */
  selected(req: Pick<ResourceRequest, 'route' | 'query'>): (obj: KubeObject) => boolean {
    const labels = parseLabelSelector(req.query.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(req.query.get('fieldSelector') ?? undefined);
    return (obj) => matchesLabels(labels, stringMap(obj.metadata.labels)) && matchesFields(fields, obj);
  }

  private get(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const obj = withTypeMeta(resource, this.deps.store.mustGet(resource, namespace, name));
    if (wantsTable(req.accept)) return { status: 200, body: this.table(resource, [obj], req) };
    return { status: 200, body: obj };
  }

  private list(req: ResourceRequest): JsonReply {
    const { resource, namespace } = req.route;
    const items = this.deps.store.list(resource, namespace, this.selected(req));
    const resourceVersion = String(this.deps.store.resourceVersion());
    if (wantsTable(req.accept)) return { status: 200, body: this.table(resource, items.map((o) => withTypeMeta(resource, o)), req) };
    return {
      status: 200,
      body: { kind: `${resource.kind}List`, apiVersion: groupVersion(resource), metadata: { resourceVersion }, items },
    };
  }

  private table(resource: ResourceType, objects: KubeObject[], req: ResourceRequest): JsonObject {
    const rv = String(this.deps.store.resourceVersion());
    return toTable(resource.kind, objects, rv, req.query.get('includeObject') ?? undefined, this.deps.now());
  }

  private create(req: ResourceRequest): JsonReply {
    const { resource } = req.route;
    const input = this.checkIdentity(req.route, parseObjectBody(req.body, req.contentType, typeMetaOf(resource)), true);
    checkStrictFields(req, input);
    const obj = this.prepare(resource, input, undefined);
    recordUpdate(undefined, obj, managerOf(req), rfc3339(this.deps.now()));
    delete obj.metadata.resourceVersion;
    const created = this.deps.store.create(resource, obj, { dryRun: isDryRun(req.query) });
    return { status: 201, body: withTypeMeta(resource, created) };
  }

  private update(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const live = this.deps.store.mustGet(resource, namespace, name);
    const input = this.checkIdentity(req.route, parseObjectBody(req.body, req.contentType, typeMetaOf(resource)), false);
    checkStrictFields(req, input);
    const next = this.merged(resource, live, input, req.route.subresource);
    return this.write(req, live, this.prepare(resource, next, live), str(input.metadata.resourceVersion));
  }

  private patch(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const type = patchTypeOf(req.contentType);
    if (type === 'apply') return this.apply(req);
    const live = this.deps.store.mustGet(resource, namespace, name);
    const patched = asKubeObject(PATCHERS[type](withTypeMeta(resource, live), parseBody(req.body, req.contentType)));
    if (!patched) throw apiErrors.badRequest('the patch removed apiVersion, kind or metadata');
    const input = this.checkIdentity(req.route, patched, false);
    checkStrictFields(req, input);
    const next = this.merged(resource, live, input, req.route.subresource);
    return this.write(req, live, this.prepare(resource, next, live), str(input.metadata.resourceVersion));
  }

  private apply(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const manager = req.query.get('fieldManager');
    if (!manager) throw new ApiError(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = this.checkIdentity(req.route, parseObjectBody(req.body, 'yaml', typeMetaOf(resource)), false);
    checkStrictFields(req, applied, true);
    const live = this.deps.store.get(resource, namespace, name);
    const expectVersion = str(applied.metadata.resourceVersion);
    delete applied.metadata.resourceVersion;
    const time = rfc3339(this.deps.now());
    const force = req.query.get('force') === 'true';
    const result = serverSideApply({ live: live && withTypeMeta(resource, live), applied, manager, force, time }, resource);
    const next = this.prepare(resource, live ? this.merged(resource, live, result, req.route.subresource) : result, live);
    if (!live) {
      delete next.metadata.resourceVersion;
      return { status: 201, body: withTypeMeta(resource, this.deps.store.create(resource, next, { dryRun: isDryRun(req.query) })) };
    }
    const updated = this.deps.store.update(resource, next, { dryRun: isDryRun(req.query), ...(expectVersion ? { expectVersion } : {}) });
    return { status: 200, body: withTypeMeta(resource, updated) };
  }

  private write(req: ResourceRequest, live: KubeObject, next: KubeObject, expectVersion: string | undefined): JsonReply {
    const { resource } = req.route;
    const incoming = next.metadata.managedFields;
    const explicit = Array.isArray(incoming) && !deepEqual(incoming, live.metadata.managedFields ?? []);
    if (explicit && incoming.length === 0) delete next.metadata.managedFields;
    else if (req.route.subresource !== undefined) next.metadata.managedFields = live.metadata.managedFields ?? [];
    else if (!explicit) recordUpdate(withTypeMeta(resource, live), next, managerOf(req), rfc3339(this.deps.now()));
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    const updated = this.deps.store.update(resource, next, { dryRun: isDryRun(req.query), ...(expectVersion ? { expectVersion } : {}) });
    return { status: 200, body: withTypeMeta(resource, updated) };
  }

  /** GET, PUT or PATCH of `<deployment>/scale`: the Scale view, its replicas written to the Deployment. */
  private scale(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const live = withTypeMeta(resource, this.deps.store.mustGet(resource, namespace, name));
    if (req.method === 'GET') return { status: 200, body: scaleOf(live) };
    let scale: unknown;
    if (req.method === 'PUT') scale = parseBody(req.body, req.contentType);
    else if (req.method === 'PATCH') {
      const type = patchTypeOf(req.contentType);
      if (type === 'apply') throw apiErrors.unsupportedMediaType(req.contentType);
      scale = PATCHERS[type](scaleOf(live), parseBody(req.body, req.contentType));
    } else throw apiErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    const next = withScale(live, scale);
    recordUpdate(live, next, managerOf(req), rfc3339(this.deps.now()));
    const expectVersion = isObject(scale) && isObject(scale.metadata) ? str(scale.metadata.resourceVersion) : undefined;
    const updated = this.deps.store.update(resource, this.prepare(resource, next, live), { dryRun: isDryRun(req.query), ...(expectVersion ? { expectVersion } : {}) });
    return { status: 200, body: scaleOf(withTypeMeta(resource, updated)) };
  }

  private delete(req: ResourceRequest): JsonReply {
    const { resource, namespace, name = '' } = req.route;
    const deleted = this.deps.store.delete(resource, namespace, name, { dryRun: isDryRun(req.query) });
    return { status: 200, body: withTypeMeta(resource, deleted) };
  }

  private deleteCollection(req: ResourceRequest): JsonReply {
    const { resource, namespace } = req.route;
    const items = this.deps.store.list(resource, namespace, this.selected(req))
      .map((obj) => this.deps.store.delete(resource, str(obj.metadata.namespace), str(obj.metadata.name) ?? '', { dryRun: isDryRun(req.query) }));
    return { status: 200, body: { kind: `${resource.kind}List`, apiVersion: groupVersion(resource), metadata: {}, items } };
  }

  /** Checks kind, apiVersion, name and namespace of a body against the URL. */
  private checkIdentity(route: ResourceRoute, obj: KubeObject, creating: boolean): KubeObject {
    const { resource } = route;
    const expected = groupVersion(resource);
    if (obj.kind !== resource.kind || obj.apiVersion !== expected) {
      throw apiErrors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected}) or the kind (${obj.kind}) is not ${resource.kind}`);
    }
    const meta = obj.metadata;
    if (creating && !str(meta.name) && str(meta.generateName)) meta.name = `${str(meta.generateName)}${randomBytes(3).toString('hex').slice(0, 5)}`;
    if (!creating && str(meta.name) !== undefined && meta.name !== route.name) {
      throw apiErrors.badRequest(`the name of the object (${str(meta.name)}) does not match the name on the URL (${route.name ?? ''})`);
    }
    if (!creating) meta.name = route.name ?? '';
    if (resource.namespaced) {
      if (str(meta.namespace) !== undefined && meta.namespace !== route.namespace) {
        throw apiErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (route.namespace === undefined) throw apiErrors.badRequest(`${resource.kind} is namespaced: a namespace is required`);
      meta.namespace = route.namespace;
    }
    return obj;
  }

  /** For the main resource keep the live status; for `/status` keep everything but the status. */
  private merged(resource: ResourceType, live: KubeObject, input: KubeObject, subresource: string | undefined): KubeObject {
    if (subresource === 'status') return { ...withTypeMeta(resource, live), status: input.status ?? {} };
    if (!resource.subresources.includes('status')) return input;
    const { status: _ignored, ...rest } = input;
    return live.status === undefined ? (rest as KubeObject) : { ...rest, status: live.status } as KubeObject;
  }

  private prepare(resource: ResourceType, obj: KubeObject, live: KubeObject | undefined): KubeObject {
    const next = withTypeMeta(resource, deepClone(obj));
    const liveIp = live && getIn(live, ['spec', 'clusterIP']);
    if (resource.kind === 'Service' && typeof liveIp === 'string' && isObject(next.spec) && next.spec.clusterIP === undefined) {
      next.spec.clusterIP = liveIp;
    }
    foldStringData(next);
    applyDefaults(next, this.deps.allocateIp);
    validate(resource, next);
    return next;
  }
}

const PATCHERS: Record<Exclude<PatchType, 'apply'>, (target: KubeObject, patch: ReturnType<typeof parseBody>) => unknown> = {
  merge: (target, patch) => jsonMergePatch(target, patch),
  strategic: (target, patch) => strategicMergePatch(target, patch),
  json: (target, patch) => jsonPatch(target, patch),
};
