// The HTTP API of `nestor api` on Fastify: JSON Schemas per route (a bad request is a 400 naming
// the field), bearer tokens scoped to environments and actions, every error one JSON line, the
// OpenAPI document built from the same schemas, and the logs through Nestor's pino logger (the
// Authorization header is never logged: only method, URL and status are, and the logger redacts
// it wherever it appears).
import type { Ajv } from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { refProblem } from '../../core/release/ref.js';
import { requireTokens } from './api-auth.js';
import { handleErrors, schemaErrorFormatter } from './api-errors.js';
import type { ApiServices } from './api-services.js';
import { serveOpenApi } from './openapi.js';
import { ciSuccessRoute } from './routes/ci-success.js';
import { deploysRoute } from './routes/deploys.js';
import { githubWebhookRoute } from './routes/github-webhook.js';
import { readRoutes } from './routes/read-routes.js';
import { webErrorPage } from './web/error-page.js';
import { serveWebView } from './web/web-view.js';
import { operationsRoutes } from '../observability/operations.js';

export const API_VERSION = '1';

export async function buildApiServer(services: ApiServices, logger: Logger): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: logger,
    ajv: {
      // Unknown fields are refused, not dropped; errors keep their schema for the field's description.
      customOptions: { removeAdditional: false, verbose: true },
      plugins: [(ajv: Ajv) => ajv.addFormat('git-ref', { type: 'string', validate: (s: string) => refProblem(s) === undefined })],
    },
    schemaErrorFormatter,
  }) as unknown as FastifyInstance;
  handleErrors(server, services.web ? webErrorPage : undefined);
  requireTokens(server, services.tokens);
  serveOpenApi(server, { title: 'Nestor API', version: API_VERSION });
  ciSuccessRoute(server, services);
  deploysRoute(server, services);
  readRoutes(server, services);
  githubWebhookRoute(server, services);
  if (services.web) await serveWebView(server, { ...services, web: services.web });
  if (services.operations) operationsRoutes(server, services.operations);
  await server.ready();
  return server;
}
