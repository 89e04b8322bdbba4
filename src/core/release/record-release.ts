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
  try {
    const { commit } = await history.record(input);
    return { commit, pending: false };
  } catch (error) {
    if (isNestorError(error) && error.code === ErrorCode.HistoryPending) {
      ctx.onEvent({ type: 'warning', message: `applied, history pending: ${error.userMessage}` });
      return { pending: true };
    }
    throw error;
  }
}
