// What workers publish on the drift board (ports/drift-board.ts) and how the web view weighs it.
// A sync report publishes each released app's live drift as it read it; a release that applied
// publishes its app in sync (it just applied what it records), a failed one unknown (it may have
// applied part). An entry is stale once two firings of the environment's `report` schedule have
// passed since it was checked (a day without one), or when the app was released since.
import { CronExpressionParser } from 'cron-parser';
import { schedulesOf, type ConfigTree } from '../config/index.js';
import type { DriftBoard, DriftEntry } from '../ports/drift-board.js';
import { ReleaseOutcome, type ReleaseResult } from '../release/release-deps.js';
import { cronPattern } from '../schedules/desired-schedulers.js';
import { DriftState, type AppDrift } from './live-drift.js';
import type { SyncReport } from './sync-report.js';

/** Changes kept per entry, the rest counted: an entry stays small whatever a cluster edited by hand holds. */
export const CHANGES_KEPT = 20;
/** How old an entry may be in an environment without a `report` schedule. */
export const STALE_WITHOUT_REPORT_MS = 24 * 3_600_000;

function kept(changes: readonly string[]): string[] {
  if (changes.length <= CHANGES_KEPT) return [...changes];
  return [...changes.slice(0, CHANGES_KEPT), `… and ${changes.length - CHANGES_KEPT} more`];
}

/** An app's drift as the report read it; each change names its cluster when the app runs on several. */
export function reportDriftEntry(drift: AppDrift, checkedAt: string): DriftEntry {
  const several = drift.clusters.length > 1;
  const changes = drift.clusters.flatMap((c) => c.changes.map((change) => (several ? `${change} on ${c.cluster}` : change)));
  const unreadable = drift.clusters.filter((c) => c.state === DriftState.Unknown).map((c) => `${c.cluster} unreadable: ${c.why ?? 'unknown error'}`);
  return { state: drift.state, changes: kept(changes), ...(unreadable.length ? { why: unreadable.join('; ') } : {}), checkedAt, source: 'report' };
}

/** The report's entries, by environment then app: released apps only (the others have no drift). */
export function reportDriftEntries(report: SyncReport): Map<string, Map<string, DriftEntry>> {
  return new Map(report.environments.map((e) => [
    e.env, new Map(e.apps.flatMap((a) => (a.drift ? [[a.app, reportDriftEntry(a.drift, report.at)] as const] : []))),
  ]));
}

export async function publishReportDrift(board: Pick<DriftBoard, 'publish'>, report: SyncReport): Promise<void> {
  await Promise.all([...reportDriftEntries(report)].map(([env, entries]) => board.publish(env, entries)));
}

/** What a release that ended tells of its app's live objects; nothing when it applied nothing (a dry run, a config change only committed). */
export function releaseDriftEntry(result: ReleaseResult, checkedAt: string): DriftEntry | undefined {
  if (result.outcome === ReleaseOutcome.Released || result.outcome === ReleaseOutcome.RolledBack) return { state: 'clean', changes: [], checkedAt, source: 'release' };
  if (result.outcome === ReleaseOutcome.Failed) {
    return { state: 'unknown', changes: [], why: 'its latest release failed after applying: the next report reads the cluster', checkedAt, source: 'release' };
  }
  return undefined;
}

/**
 * Entries checked before this instant (ms) are stale in `env`: the second-to-last firing of its
 * `report` schedules before `now` (the most frequent one's), so that two reports passed since.
 */
export function staleBefore(tree: ConfigTree, env: string, now: number): number {
  const firings = schedulesOf(tree, env).filter((s) => s.kind === 'report').flatMap((s) => {
    try {
      const cron = CronExpressionParser.parse(cronPattern(s.cron), { currentDate: new Date(now), tz: s.timeZone });
      cron.prev();
      return [cron.prev().getTime()];
    } catch {
      return [];
    }
  });
  return firings.length ? Math.max(...firings) : now - STALE_WITHOUT_REPORT_MS;
}

/** Why an entry no longer says how the app stands, if it does not. */
export function staleness(entry: DriftEntry, staleFrom: number, releasedAt: string | undefined): string | undefined {
  const checked = Date.parse(entry.checkedAt);
  if (releasedAt !== undefined && checked < Date.parse(releasedAt)) return 'checked before its latest release';
  return checked < staleFrom ? 'no report has read it since two were due' : undefined;
}
