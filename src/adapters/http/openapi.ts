// GET /api/v1/openapi.json: the OpenAPI 3.1 document assembled from the routes' own schemas as
// they are registered (JSON Schema is what OpenAPI 3.1 speaks), so it cannot drift from what the
// routes check.
import type { FastifyInstance, RouteOptions } from 'fastify';

export const OPENAPI_PATH = '/api/v1/openapi.json';

interface RouteSchema {
  summary?: string;
  description?: string;
  body?: unknown;
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  params?: { properties?: Record<string, unknown>; required?: string[] };
  headers?: { properties?: Record<string, unknown>; required?: string[] };
  response?: Record<string, unknown>;
}

type Operation = Record<string, unknown>;

function parameters(where: 'query' | 'path' | 'header', schema: RouteSchema['querystring']): Operation[] {
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name, in: where, required: where === 'path' || (schema?.required ?? []).includes(name), schema: property,
  }));
}

function operation(route: RouteOptions): Operation {
  const schema = (route.schema ?? {}) as RouteSchema;
  const responses = Object.fromEntries(Object.entries(schema.response ?? {}).map(([status, body]) => [
    status, { description: (body as { description?: string }).description ?? status, content: { 'application/json': { schema: body } } },
  ]));
  return {
    ...(schema.summary ? { summary: schema.summary } : {}),
    ...(schema.description ? { description: schema.description } : {}),
    parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring), ...parameters('header', schema.headers)],
    ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } } : {}),
    responses,
    security: route.config?.action ? [{ bearer: [] }] : [],
  };
}

/** Records every route registered after it, and serves the document. */
export function serveOpenApi(server: FastifyInstance, info: { title: string; version: string }): void {
  const paths: Record<string, Record<string, Operation>> = {};
  server.addHook('onRoute', (route) => {
    if (!route.schema || route.url === OPENAPI_PATH) return;
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      (paths[path] ??= {})[method.toLowerCase()] = operation(route);
    }
  });
  server.get(OPENAPI_PATH, async () => ({
    openapi: '3.1.0', info, paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token of NESTOR_API_TOKENS' } } },
  }));
}
