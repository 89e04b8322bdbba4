// Writing the history after the cluster changed: a history that can't be written never loses
// the release; it is reported as "applied, history pending" and published later.
import { ErrorCode, isNestorError } from '../errors.js';
import type { RecordInput, ReleaseHistory } from '../ports/release-history.js';
import type { ReleaseContext } from './release-deps.js';

export interface RecordOutcome {
  commit?: string;
  pending: boolean;
}

export async function recordRelease(history: ReleaseHistory, ctx: ReleaseContext, input: RecordInput): Promise<RecordOutcome> {
  let commit: string | undefined;
  const pending = await unlessPending(ctx, async () => {
    commit = (await history.record(input)).commit;
  });
  return { ...(commit === undefined ? {} : { commit }), pending };
}

/**
 * Runs a history write made after the cluster changed (record, pin, unpin). A write kept locally
 * because the remote can't be reached is not a failure of the release: it is told as "applied,
 * history pending" and true is returned; other errors are thrown.
 */
export async function unlessPending(ctx: ReleaseContext, write: () => Promise<void>): Promise<boolean> {
  try {
    await write();
    return false;
  } catch (error) {
    if (isNestorError(error) && error.code === ErrorCode.HistoryPending) {
      ctx.onEvent({ type: 'warning', message: `applied, history pending: ${error.userMessage}` });
      return true;
    }
    throw error;
  }
}
