// Redis faults as NestorErrors, so that a job meeting one is retried rather than failed for
// good (jobs retry only errors marked retryable). A lost connection, a command that timed out or
// was given up after reconnecting, and the replies of a Redis that is starting, failing over or
// busy are passing faults; any other error reply (WRONGTYPE, a script error) is a bug, and
// running again would only repeat it. The user reads what Nestor was doing; the log, the error.
import { ReplyError } from 'ioredis';
import { ErrorCode, NestorError, isNestorError } from '../../core/errors.js';

/** Error replies of a Redis that will answer again soon (loading its data, a replica, a busy script, failover). */
const PASSING_REPLIES = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'MASTERDOWN', 'READONLY', 'CLUSTERDOWN', 'NOREPLICAS']);

/** Runs one Redis call; what it throws becomes a NestorError saying what could not be done. */
export async function redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw redisFailure(what, error);
  }
}

export function redisFailure(what: string, error: unknown): NestorError {
  if (isNestorError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const detail = { operation: what, redisError: message };
  if (error instanceof (ReplyError as ErrorConstructor) && !PASSING_REPLIES.has(message.split(' ', 1)[0] ?? '')) {
    return new NestorError(ErrorCode.Internal, `Redis refused to ${what}`, { detail, cause: error });
  }
  return new NestorError(ErrorCode.StoreUnavailable, `Redis unavailable: could not ${what}`, { retryable: true, detail, cause: error });
}
