// Writing the history after the cluster changed: a history that can't be written never loses
// the release; it is reported as "applied, history pending" and published later.
import { ErrorCode, isNestorError } from '../errors.js';
import type { KubeObject } from '../ports/cluster.js';
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

/** `mary-secrets: SENTRY_DSN, API_KEY` for each Secret of the objects that holds values. */
export function secretKeysOf(objects: readonly KubeObject[]): string[] {
  return objects.filter((o) => o.kind === 'Secret').flatMap((o) => {
    const keys = [...Object.keys((o['data'] ?? {}) as object), ...Object.keys((o['stringData'] ?? {}) as object)];
    return keys.length > 0 ? [`${o.metadata.name}: ${[...new Set(keys)].join(', ')}`] : [];
  });
}

/**
 * Why the history could not record a release holding these secrets (no key), or undefined. Asked
 * before the cluster changes: `record` refusing them after the apply would leave a release
 * running that the history does not know.
 */
export function unrecordableSecrets(history: ReleaseHistory, app: string, env: string, secrets: readonly string[]): string | undefined {
  if (secrets.length === 0 || history.canRecordSecrets()) return undefined;
  return `the release of ${app} in ${env} holds secrets (${[...new Set(secrets)].join('; ')}) and no history key is set to record them encrypted: `
    + 'set NESTOR_HISTORY_KEY to 32 random bytes in base64 or hex (`openssl rand -base64 32`) where Nestor runs, then try again';
}
