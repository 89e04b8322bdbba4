// The details a job's status message leaves out, posted as replies in its thread: the diff
// summary (objects and fields that change, never the diff text and so never a value), warnings
// and failures. Plain text; the thread lane escapes it for Slack.
import type { JobOutcome } from '../../../core/ports/job-queue.js';
import { countChanges, type ObjectChange, type ReleaseEvent } from '../../../core/release/events.js';

/** Changed objects listed per diff; the rest are counted. */
export const MAX_DIFF_OBJECTS = 20;

function changeLine(c: ObjectChange): string {
  return `• ${c.change} ${c.object}${c.fields.length ? ` (${c.fields.join(', ')})` : ''}`;
}

function diffLines(cluster: string, changes: readonly ObjectChange[]): string[] {
  const changed = changes.filter((c) => c.change !== 'unchanged');
  const shown = changed.slice(0, MAX_DIFF_OBJECTS).map(changeLine);
  const more = changed.length > MAX_DIFF_OBJECTS ? [`… and ${changed.length - MAX_DIFF_OBJECTS} more`] : [];
  return [`Diff on ${cluster}: ${countChanges(changes)}`, ...shown, ...more];
}

type DetailOf = { [T in ReleaseEvent['type']]: (event: Extract<ReleaseEvent, { type: T }>) => string[] };

const DETAILS: DetailOf = {
  stage: (e) => (e.status === 'failed' ? [`✗ ${e.stage} failed${e.message ? `: ${e.message}` : ''}`] : []),
  waiting: () => [],
  diff: (e) => diffLines(e.cluster, e.changes),
  applied: () => [],
  pruned: (e) => [`${e.cluster}: ${e.object} deleted (pruned)`],
  rollout: (e) => (e.state === 'failed' ? [`✗ ${e.cluster}: ${e.object} rollout failed${e.message ? `: ${e.message}` : ''}`] : []),
  warning: (e) => [`⚠ ${e.message}`],
  // A process's log shows at the end of the status message, not line by line in the thread.
  log: () => [],
};

/** The thread lines of one event (most events have none: the status message shows them). */
export function detailLines(event: ReleaseEvent): string[] {
  return (DETAILS[event.type] as (e: ReleaseEvent) => string[])(event);
}

/** Outcomes that are a failed release even though the job itself completed. */
export const FAILED_OUTCOMES: ReadonlySet<string> = new Set(['failed', 'rolled-back']);

export function outcomeLines(result: JobOutcome): string[] {
  const pending = result.historyPending ? ['⚠ applied; the history commit is pending and will be retried'] : [];
  return [...(FAILED_OUTCOMES.has(result.outcome) ? [`✗ ${result.message}`] : []), ...pending];
}

export function failureLine(message: string, attempt: number, final: boolean): string {
  return final ? `✗ failed: ${message}` : `✗ attempt ${attempt} failed, will be retried: ${message}`;
}
