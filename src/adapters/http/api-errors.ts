// Every error of the API as one JSON line, `{"error": "..."}`: a schema error names the field
// (`body.app: expected an app name (DNS-1123 label)`), a NestorError gets the status of its code,
// anything else is a 500 whose detail stays in the log. With the web view, a browser asking for a
// page gets the same error as a page instead (web/error-page.ts).
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, isNestorError } from '../../core/errors.js';
import { explainSchemaError } from '../../core/jobs/parse-job.js';

export interface ApiErrorBody {
  error: string;
}

const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BadInput]: 400,
  [ErrorCode.ConfigInvalid]: 422,
  [ErrorCode.ConfigNotFound]: 404,
  [ErrorCode.NotAuthorized]: 403,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Locked]: 409,
  [ErrorCode.StoreUnavailable]: 503,
  [ErrorCode.GitFailed]: 502,
};

/** The first schema error of a request part (`body`, `querystring`, `params`, `headers`), as one line. */
export function schemaErrorFormatter(errors: readonly unknown[], part: string): Error {
  const list = errors as ErrorObject[];
  // A union reports each branch's literal mismatch first: the union's own error says more.
  const first = list.find((e) => e.keyword !== 'const') ?? list[0];
  return new Error(first ? explainSchemaError(first, part) : `${part}: does not match its schema`);
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ error: oneLine(message) } satisfies ApiErrorBody);
}

/** Answers an error as a page when the request wants one; undefined: as JSON. */
export type ErrorPage = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply | undefined;

export function handleErrors(server: FastifyInstance, page?: ErrorPage): void {
  const send = (request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply =>
    page?.(request, reply, status, message) ?? sendError(reply, status, message);
  server.setErrorHandler((error: FastifyError, request, reply) => {
    if (isNestorError(error)) {
      const status = STATUS_OF_CODE[error.code] ?? (error.retryable ? 503 : 500);
      if (status >= 500) request.log.warn({ err: error, code: error.code }, 'request failed');
      return send(request, reply, status, error.userMessage);
    }
    // Fastify's own: a schema error, a body that is not JSON, too large, of the wrong type.
    if (error.statusCode !== undefined && error.statusCode < 500) return send(request, reply, error.statusCode, error.message);
    request.log.error({ err: error }, 'request failed');
    return send(request, reply, 500, 'internal error: see the API log');
  });
  server.setNotFoundHandler((request, reply) => send(request, reply, 404, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`));
}
