// Jobs queued by the API: their origin, their idempotency key (the caller's Idempotency-Key
// header, scoped by its token, so a retried request names the same job; a fresh one otherwise),
// and the enqueue, refused with 503 at once when the queue's connection is down.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ErrorCode, NestorError, isNestorError } from '../../core/errors.js';
import type { Job, JobOrigin } from '../../core/jobs/job-schema.js';
import type { Enqueued } from '../../core/ports/job-queue.js';
import type { BotServices } from '../slack/bot/bot-services.js';

/** Where the API's jobs say they come from: no Slack conversation to update. */
export const API_ORIGIN: JobOrigin = { kind: 'cli', host: 'api' };

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'letters, digits, ".", "_" or "-", at most 64: the same key again gives the same job' })),
});

export const Accepted = Type.Object({
  jobId: Type.String(),
  created: Type.Boolean({ description: 'false when the same request was already queued' }),
  message: Type.String(),
}, { description: 'queued' });

export const ErrorBody = Type.Object({ error: Type.String() }, { description: 'what was wrong, in one line' });

export function requestKey(request: FastifyRequest, tokenName: string): string {
  const given = (request.headers as { 'idempotency-key'?: string })['idempotency-key'];
  return given ? `api-${tokenName}-${given}` : `api-${randomUUID()}`;
}

export async function enqueueFromApi(services: Pick<BotServices, 'queue' | 'queueReady'>, job: Job, key: string): Promise<Enqueued> {
  const unavailable = (cause?: unknown) => new NestorError(ErrorCode.StoreUnavailable, 'the job queue is unavailable: nothing was queued', { retryable: true, cause });
  if (services.queueReady?.() === false) throw unavailable();
  try {
    return await services.queue.enqueue(job, { idempotencyKey: key });
  } catch (error) {
    throw isNestorError(error) && !error.retryable ? error : unavailable(error);
  }
}
