// What the sync report says in Slack, readable at a glance for 25 environments × 130 apps: ONE
// summary message (the counts first, a line per environment, then the apps that need a look:
// drifted, config out of sync, pinned, failed, unknown) and every app of every environment in its
// thread, an environment after the other; within Slack's limits (message-limits.ts).
import { formatDuration, message, shortSha, shortTime, Tone, type Section } from '../commands/replies/message.js';
import { DriftState } from './live-drift.js';
import { chunkLines, fitLines, threadReplies, type ThreadedMessages } from './message-limits.js';
import { ConfigState, type AppReport, type EnvReport, type SyncReport } from './sync-report.js';
import { compareText } from '../text/compare-text.js';

export const Concern = { Drifted: 'drifted', ConfigOutOfSync: 'configOutOfSync', Pinned: 'pinned', Failed: 'failed', Unknown: 'unknown' } as const;
export type Concern = (typeof Concern)[keyof typeof Concern];

const CONCERNS: readonly Concern[] = [Concern.Drifted, Concern.ConfigOutOfSync, Concern.Pinned, Concern.Failed, Concern.Unknown];
const LABEL: Readonly<Record<Concern, string>> = {
  drifted: 'Drifted', configOutOfSync: 'Config out of sync', pinned: 'Pinned', failed: 'Last failures', unknown: 'Unknown',
};
/** How a count reads in a line: `2 drifted`. */
const COUNTED: Readonly<Record<Concern, string>> = {
  drifted: 'drifted', configOutOfSync: 'config out of sync', pinned: 'pinned', failed: 'with a failure', unknown: 'unknown',
};

/** Whether the app shows under `concern`. */
const HAS: Readonly<Record<Concern, (a: AppReport) => boolean>> = {
  drifted: (a) => a.drift?.state === DriftState.Drifted,
  configOutOfSync: (a) => a.config?.state === ConfigState.OutOfSync,
  pinned: (a) => a.pin !== undefined,
  failed: (a) => a.lastFailure !== undefined,
  unknown: (a) => a.problem !== undefined || a.drift?.state === DriftState.Unknown || a.config?.state === ConfigState.Unknown,
};

export type ReportCounts = Record<Concern | 'apps' | 'released', number>;

export function countsOf(apps: readonly AppReport[]): ReportCounts {
  const counts: ReportCounts = { apps: apps.length, released: 0, drifted: 0, configOutOfSync: 0, pinned: 0, failed: 0, unknown: 0 };
  for (const a of apps) {
    if (a.release) counts.released += 1;
    for (const c of CONCERNS) if (HAS[c](a)) counts[c] += 1;
  }
  return counts;
}

const allApps = (report: SyncReport): AppReport[] => report.environments.flatMap((e) => e.apps);

/** `130 apps: 2 drifted, 3 config out of sync, 1 pinned` (concerns with a count; "all in sync" when none). */
export function countsLine(apps: readonly AppReport[]): string {
  const counts = countsOf(apps);
  const parts = CONCERNS.filter((c) => counts[c] > 0).map((c) => `${counts[c]} ${COUNTED[c]}`);
  const unreleased = counts.apps - counts.released;
  return `${counts.apps} apps: ${parts.length ? parts.join(', ') : 'all in sync'}${unreleased > 0 ? ` (${unreleased} never released)` : ''}`;
}

/** What a `report` schedule's run records: the counts and one line. */
export function syncReportOutcome(report: SyncReport): { counts: ReportCounts; text: string } {
  const apps = allApps(report);
  return { counts: countsOf(apps), text: `${scope(report)}: ${countsLine(apps)}` };
}

const scope = (report: SyncReport): string => {
  const [only] = report.environments;
  return report.environments.length === 1 && only ? only.env : `${report.environments.length} environments`;
};

const version = (a: AppReport): string => {
  const r = a.release;
  if (!r) return 'never released';
  return `${shortSha(r.sha)}${r.ref && !r.sha.startsWith(r.ref) ? ` (${r.ref})` : ''}`;
};

/** Why an app is unknown, in a few words. */
function unknownText(a: AppReport): string {
  if (a.problem) return a.problem;
  const clusters = (a.drift?.clusters ?? []).filter((c) => c.state === DriftState.Unknown).map((c) => `${c.cluster} unreadable: ${c.why ?? '?'}`);
  return [...clusters, ...(a.config?.state === ConfigState.Unknown ? [`config: ${a.config.why ?? '?'}`] : [])].join('; ');
}

/** The one-line entry of an app under `concern` in the summary. */
const ENTRY: Readonly<Record<Concern, (a: AppReport) => string>> = {
  drifted: (a) => (a.drift?.clusters ?? []).flatMap((c) => c.changes).join(', '),
  configOutOfSync: (a) => {
    const keys = a.config?.changes.map((c) => c.key) ?? [];
    return keys.length ? `${keys.length} key(s): ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}` : 'its config changed since its release';
  },
  pinned: (a) => `${version(a)} pinned by ${a.pin?.by ?? '?'}${a.pin ? ` on ${shortTime(a.pin.at)}` : ''}: ${a.pin?.reason ?? ''}`,
  failed: (a) => `${shortTime(a.lastFailure?.at ?? '')}: ${a.lastFailure?.text ?? ''}`,
  unknown: unknownText,
};

/** Several environments: `dev3/mary`; one: `mary`. */
function named(report: SyncReport): (env: EnvReport, a: AppReport) => string {
  return report.environments.length > 1 ? (env, a) => `${env.env}/${a.app}` : (_, a) => a.app;
}

function summarySections(report: SyncReport): Section[] {
  const sections: Section[] = [];
  if (report.environments.length > 1) {
    sections.push({ title: 'By environment', lines: fitLines(report.environments.map((e) => `${e.env}: ${countsLine(e.apps)}`)) });
  }
  const name = named(report);
  for (const concern of CONCERNS) {
    const entries = report.environments.flatMap((e) => e.apps.filter(HAS[concern]).map((a) => ({ at: a.lastFailure?.at ?? '', line: `${name(e, a)}: ${ENTRY[concern](a)}` })));
    // The newest failures first; the other lists in environment and app order.
    if (concern === Concern.Failed) entries.sort((x, y) => compareText(y.at, x.at));
    if (entries.length > 0) sections.push({ title: `${LABEL[concern]} (${entries.length})`, lines: fitLines(entries.map((e) => e.line)) });
  }
  const skipped = report.environments.flatMap((e) => e.skippedFirings.map((note) => `${e.env}/${note}`));
  if (skipped.length > 0) sections.push({ title: `Skipped firings (${skipped.length})`, lines: fitLines(skipped) });
  return sections;
}

/** An app in the thread: what runs, then a line (indented) per thing to look at. */
export function appDetails(a: AppReport): string[] {
  const released = a.release ? ` · ${shortTime(a.release.at)} by ${a.release.user}` : '';
  const marks = CONCERNS.filter((c) => c !== Concern.Failed && HAS[c](a)).map((c) => COUNTED[c]);
  const lines = [`${a.app} ${version(a)}${released}${a.disabled ? ' · disabled' : ''}${marks.length ? ` · ${marks.join(', ')}` : ''}`];
  for (const c of a.drift?.clusters ?? []) for (const change of c.changes) lines.push(`  drift (${c.cluster}): ${change}`);
  for (const c of a.config?.changes ?? []) lines.push(`  config ${c.change}: ${c.key}${c.after !== undefined ? ` = ${c.after}` : ''}`);
  if (a.pin) lines.push(`  pinned: ${ENTRY.pinned(a)}`);
  if (a.lastFailure) lines.push(`  last failure ${ENTRY.failed(a)}`);
  if (HAS.unknown(a)) lines.push(`  unknown: ${unknownText(a)}`);
  return lines;
}

function threadSections(report: SyncReport): Section[] {
  return report.environments.flatMap((e) => chunkLines(e.apps.flatMap(appDetails)).map((lines, i): Section => (
    i === 0 ? { title: `${e.env}: ${countsLine(e.apps)}`, lines } : { lines }
  )));
}

function tone(apps: readonly AppReport[]): Tone {
  const counts = countsOf(apps);
  return counts.drifted + counts.configOutOfSync + counts.unknown > 0 ? Tone.Warning : Tone.Success;
}

/** The summary (counts first) and the thread of a sync report. */
export function syncReportMessages(report: SyncReport, meta: { by: string; runId?: string }): ThreadedMessages {
  const apps = allApps(report);
  const counts = countsOf(apps);
  const title = `Sync report: ${scope(report)}`;
  const summary = message({
    tone: tone(apps),
    title,
    summary: syncReportOutcome(report).text,
    fields: [{ label: 'Apps', value: String(counts.apps) }, ...CONCERNS.map((c) => ({ label: LABEL[c], value: String(counts[c]) }))],
    sections: summarySections(report),
    context: [`at ${shortTime(report.at)} UTC`, ...(meta.runId ? [`run ${meta.runId}`] : []), `by ${meta.by}`, formatDuration(report.durationMs), 'every app in the thread'],
  });
  return { summary, thread: threadReplies(threadSections(report), `${title}: every app`, `${scope(report)}: what runs where`) };
}
