// What the datastore-nightly schedule says in the channel, as the staging release does: ONE
// summary (the counts first, then the failed and reset datastores with sizes and durations, and
// the snapshots taken) and every datastore's details in its thread.
import { formatDuration, message, Tone, type Section } from '../commands/replies/message.js';
import { chunkLines, fitLines, threadReplies, type ThreadedMessages } from '../fleet/message-limits.js';
import type { DatastoreRun } from './datastore-deps.js';
import type { NightlyRun } from './datastore-nightly.js';

export interface NightlyCounts {
  reset: number;
  failed: number;
  snapshots: number;
  [key: string]: number;
}

export function nightlyCounts(run: NightlyRun): NightlyCounts {
  const failed = run.resets.filter((r) => !r.ok).length + run.snapshots.filter((s) => !s.ok).length;
  return { reset: run.resets.filter((r) => r.ok).length, failed, snapshots: run.snapshots.filter((s) => s.ok).length };
}

/** `2 reset, 1 failed, 1 snapshot of staging`. */
export function nightlyLine(run: NightlyRun): string {
  const c = nightlyCounts(run);
  return `${c.reset} reset, ${c.failed} failed, ${c.snapshots} snapshot${c.snapshots === 1 ? '' : 's'} of ${run.env}`;
}

/** What the schedule's run records: the counts and one line. */
export function nightlyOutcome(run: NightlyRun): { counts: NightlyCounts; text: string } {
  return { counts: nightlyCounts(run), text: `datastores from ${run.env}: ${nightlyLine(run)}` };
}

const entry = (r: DatastoreRun): string => (r.ok ? r.message : `${r.env}/${r.name}: ${r.message}`);

function summarySections(run: NightlyRun): Section[] {
  const failed = [...run.snapshots, ...run.resets].filter((r) => !r.ok);
  const reset = run.resets.filter((r) => r.ok);
  const taken = run.snapshots.filter((s) => s.ok);
  return [
    ...(failed.length ? [{ title: `Failed (${failed.length})`, lines: fitLines(failed.map(entry)) }] : []),
    ...(reset.length ? [{ title: `Reset (${reset.length})`, lines: fitLines(reset.map(entry)) }] : []),
    ...(taken.length ? [{ title: `Snapshots (${taken.length})`, lines: fitLines(taken.map(entry)) }] : []),
  ];
}

function details(kind: 'Snapshot' | 'Reset', r: DatastoreRun): string[] {
  return [`${kind} of ${r.name} in ${r.env}: ${r.ok ? 'done' : 'failed'} in ${formatDuration(r.durationMs)}`, `  ${r.message}`];
}

export function nightlyMessages(run: NightlyRun, meta: { runId: string; by: string }): ThreadedMessages {
  const counts = nightlyCounts(run);
  const title = `Datastores reset from ${run.env}`;
  const summary = message({
    tone: counts.failed > 0 ? Tone.Warning : counts.reset > 0 ? Tone.Success : Tone.Info,
    title,
    summary: nightlyOutcome(run).text,
    fields: [{ label: 'Reset', value: String(counts.reset) }, { label: 'Failed', value: String(counts.failed) }, { label: 'Snapshots', value: String(counts.snapshots) }],
    sections: summarySections(run),
    context: [`run ${meta.runId}`, `by ${meta.by}`, formatDuration(run.durationMs), 'details in the thread'],
  });
  const lines = [...run.snapshots.flatMap((s) => details('Snapshot', s)), ...run.resets.flatMap((r) => details('Reset', r))];
  const thread = threadReplies(chunkLines(lines).map((chunk) => ({ lines: chunk })), `${title}: details`, `${run.env}: per-datastore details of run ${meta.runId}`);
  return { summary, thread };
}
