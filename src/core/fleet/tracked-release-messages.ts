// What a run over an environment's apps (the tracked release, version sync, config sync) says in
// the environment's channel: ONE summary message per run (the counts first, then the failed,
// released and skipped apps, the unchanged ones by name) and the per-app details as replies in
// its thread, built to fit Slack for 130 apps and more (message-limits.ts).
import { formatDuration, message, shortSha, shortTime, Tone, type Section } from '../commands/replies/message.js';
import { chunkLines, fitLines, SECTION_BUDGET, threadReplies, type ThreadedMessages } from './message-limits.js';
import { SkipReason, TrackedOutcome, type FleetRun, type TrackedApp } from './fleet-run.js';
import type { TrackedRelease } from './tracked-release.js';

export type TrackedReleaseMessages = ThreadedMessages;

const COUNTED: readonly TrackedOutcome[] = [TrackedOutcome.Failed, TrackedOutcome.Released, TrackedOutcome.Moved, TrackedOutcome.Skipped, TrackedOutcome.Unchanged];
const LABEL: Readonly<Record<TrackedOutcome, string>> = { failed: 'Failed', released: 'Released', moved: 'Would be released', skipped: 'Skipped', unchanged: 'Unchanged' };

type Apps = Pick<FleetRun, 'apps'>;

export function countsOf(run: Apps): Record<TrackedOutcome, number> {
  const counts = { failed: 0, released: 0, moved: 0, skipped: 0, unchanged: 0 };
  for (const a of run.apps) counts[a.outcome] += 1;
  return counts;
}

/** `2 released, 126 unchanged, 1 skipped, 1 failed` (outcomes that happened, in a fixed order). */
export function countsLine(run: Apps): string {
  const counts = countsOf(run);
  const parts = COUNTED.filter((o) => counts[o] > 0 || o === TrackedOutcome.Unchanged).map((o) => `${counts[o]} ${LABEL[o].toLowerCase()}`);
  return `${run.apps.length} apps: ${parts.join(', ')}`;
}

/** A tracked release as the fleet messages tell it. */
export const trackedFleetRun = (run: TrackedRelease): FleetRun => ({ ...run, title: `${run.env} follows ${run.branch}` });

/** What a schedule's run records (the scheduler's ScheduleOutcome): the counts and the counts line. */
export function fleetOutcome(run: FleetRun): { counts: Record<TrackedOutcome, number>; text: string } {
  return { counts: countsOf(run), text: `${run.title}: ${countsLine(run)}` };
}

export const trackedReleaseOutcome = (run: TrackedRelease): ReturnType<typeof fleetOutcome> => fleetOutcome(trackedFleetRun(run));

function skipText(a: TrackedApp): string {
  const skip = a.skip;
  if (!skip) return a.message;
  if (skip.reason === SkipReason.Pinned) return `pinned by ${skip.by ?? '?'}${skip.at ? ` on ${shortTime(skip.at)}` : ''}: ${skip.why ?? ''}`;
  if (skip.reason === SkipReason.Busy) return `busy: ${a.message}`;
  if (skip.reason === SkipReason.Disabled) return 'disabled (is_enabled: false)';
  if (skip.reason === SkipReason.Held) return `held until ${skip.until ? shortTime(skip.until) : '?'}: ${skip.why ?? 'deployed'} by ${skip.by ?? '?'}${skip.at ? ` on ${shortTime(skip.at)}` : ''}`;
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
  const lines = [`${LABEL[a.outcome]}: ${entry(a)}`, ...(a.details ?? []).map((line) => `  ${line}`)];
  const result = a.result;
  if (!result) return lines;
  if (a.outcome === TrackedOutcome.Released) lines.push(`  ${result.message}`);
  for (const failure of result.failures) lines.push(`  ✗ ${failure}`);
  const changed = result.changes.filter((c) => c.change !== 'unchanged').length;
  if (changed > 0) lines.push(`  ${changed} object(s) changed`);
  if (result.historyPending) lines.push('  ⚠ applied; the history commit is pending and will be retried');
  return lines;
}

function byOutcome(run: Apps, outcome: TrackedOutcome): TrackedApp[] {
  return run.apps.filter((a) => a.outcome === outcome);
}

function summarySections(run: Apps): Section[] {
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

function tone(run: Apps): Tone {
  const counts = countsOf(run);
  if (counts.failed > 0) return Tone.Warning;
  return counts.released > 0 ? Tone.Success : Tone.Info;
}

export const trackedReleaseMessages = (run: TrackedRelease, meta: { runId: string; by: string }): TrackedReleaseMessages => fleetMessages(trackedFleetRun(run), meta);

export function fleetMessages(run: FleetRun, meta: { runId: string; by: string }): ThreadedMessages {
  const title = `${run.dryRun ? 'Dry run: ' : ''}${run.title}`;
  const counts = countsOf(run);
  const summary = message({
    tone: tone(run),
    title,
    summary: fleetOutcome(run).text,
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
