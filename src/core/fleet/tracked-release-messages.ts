// What a tracked release says in the environment's channel: ONE summary message per run (the
// counts first, then the failed, released and skipped apps, the unchanged ones by name) and the
// per-app details as replies in its thread, built to fit Slack for 130 apps and more (message-limits.ts).
import { formatDuration, message, shortSha, shortTime, Tone, type Section } from '../commands/replies/message.js';
import { chunkLines, fitLines, SECTION_BUDGET, threadReplies, type ThreadedMessages } from './message-limits.js';
import { SkipReason, TrackedOutcome, type TrackedApp, type TrackedRelease } from './tracked-release.js';

export type TrackedReleaseMessages = ThreadedMessages;

const COUNTED: readonly TrackedOutcome[] = [TrackedOutcome.Failed, TrackedOutcome.Released, TrackedOutcome.Moved, TrackedOutcome.Skipped, TrackedOutcome.Unchanged];
const LABEL: Readonly<Record<TrackedOutcome, string>> = { failed: 'Failed', released: 'Released', moved: 'Would be released', skipped: 'Skipped', unchanged: 'Unchanged' };

export function countsOf(run: TrackedRelease): Record<TrackedOutcome, number> {
  const counts = { failed: 0, released: 0, moved: 0, skipped: 0, unchanged: 0 };
  for (const a of run.apps) counts[a.outcome] += 1;
  return counts;
}

/** `2 released, 126 unchanged, 1 skipped, 1 failed` (outcomes that happened, in a fixed order). */
export function countsLine(run: TrackedRelease): string {
  const counts = countsOf(run);
  const parts = COUNTED.filter((o) => counts[o] > 0 || o === TrackedOutcome.Unchanged).map((o) => `${counts[o]} ${LABEL[o].toLowerCase()}`);
  return `${run.apps.length} apps: ${parts.join(', ')}`;
}

/** What a schedule's run records (the scheduler's ScheduleOutcome): the counts and the counts line. */
export function trackedReleaseOutcome(run: TrackedRelease): { counts: Record<TrackedOutcome, number>; text: string } {
  return { counts: countsOf(run), text: `${run.env} follows ${run.branch}: ${countsLine(run)}` };
}

function skipText(a: TrackedApp): string {
  const skip = a.skip;
  if (!skip) return a.message;
  if (skip.reason === SkipReason.Pinned) return `pinned by ${skip.by ?? '?'}${skip.at ? ` on ${shortTime(skip.at)}` : ''}: ${skip.why ?? ''}`;
  if (skip.reason === SkipReason.Busy) return `busy: ${a.message}`;
  if (skip.reason === SkipReason.Disabled) return 'disabled (is_enabled: false)';
  return 'not started: the run was stopped';
}

const version = (a: TrackedApp): string => (a.sha ? shortSha(a.sha) : '?');
const movement = (a: TrackedApp): string => `${a.previous && a.previous !== a.sha ? `${shortSha(a.previous)} → ` : ''}${version(a)}`;

/** The one-line entry of an app in the summary. */
function entry(a: TrackedApp): string {
  if (a.outcome === TrackedOutcome.Skipped) return `${a.app} ${version(a)}: ${skipText(a)}`;
  if (a.outcome === TrackedOutcome.Failed) return `${a.app} ${version(a)}: ${a.message}`;
  return `${a.app} ${movement(a)}`;
}

/** The details of an app in the thread: the entry, then what the release said. */
function details(a: TrackedApp): string[] {
  const lines = [`${LABEL[a.outcome]}: ${entry(a)}`];
  const result = a.result;
  if (!result) return lines;
  if (a.outcome === TrackedOutcome.Released) lines.push(`  ${result.message}`);
  for (const failure of result.failures) lines.push(`  ✗ ${failure}`);
  const changed = result.changes.filter((c) => c.change !== 'unchanged').length;
  if (changed > 0) lines.push(`  ${changed} object(s) changed`);
  if (result.historyPending) lines.push('  ⚠ applied; the history commit is pending and will be retried');
  return lines;
}

function byOutcome(run: TrackedRelease, outcome: TrackedOutcome): TrackedApp[] {
  return run.apps.filter((a) => a.outcome === outcome);
}

function summarySections(run: TrackedRelease): Section[] {
  const sections: Section[] = [];
  for (const outcome of [TrackedOutcome.Failed, TrackedOutcome.Released, TrackedOutcome.Moved, TrackedOutcome.Skipped]) {
    const apps = byOutcome(run, outcome);
    if (apps.length > 0) sections.push({ title: `${LABEL[outcome]} (${apps.length})`, lines: fitLines(apps.map(entry)) });
  }
  const unchanged = byOutcome(run, TrackedOutcome.Unchanged);
  if (unchanged.length > 0) {
    // One line of names: 130 apps read at a glance rather than 130 lines.
    const names = fitLines(unchanged.map((a) => a.app), SECTION_BUDGET, ', ').join(', ');
    sections.push({ title: `Unchanged (${unchanged.length})`, lines: [names] });
  }
  return sections;
}

function tone(run: TrackedRelease): Tone {
  const counts = countsOf(run);
  if (counts.failed > 0) return Tone.Warning;
  return counts.released > 0 ? Tone.Success : Tone.Info;
}

export function trackedReleaseMessages(run: TrackedRelease, meta: { runId: string; by: string }): TrackedReleaseMessages {
  const title = `${run.dryRun ? 'Dry run: ' : ''}${run.env} follows ${run.branch}`;
  const counts = countsOf(run);
  const summary = message({
    tone: tone(run),
    title,
    summary: trackedReleaseOutcome(run).text,
    fields: COUNTED.filter((o) => o !== TrackedOutcome.Moved || run.dryRun).map((o) => ({ label: LABEL[o], value: String(counts[o]) })),
    sections: summarySections(run),
    context: [`run ${meta.runId}`, `by ${meta.by}`, `${run.parallelism} at a time per cluster`, formatDuration(run.durationMs), 'details in the thread'],
  });
  const noteworthy = run.apps.filter((a) => a.outcome !== TrackedOutcome.Unchanged);
  const lines = [...noteworthy.flatMap(details), ...byOutcome(run, TrackedOutcome.Unchanged).map((a) => `Unchanged: ${a.app} ${version(a)}`)];
  const sections: Section[] = chunkLines(lines).map((chunk) => ({ lines: chunk }));
  const thread = threadReplies(sections, `${title}: details`, `${run.env}: per-app details of run ${meta.runId}`);
  return { summary, thread };
}
