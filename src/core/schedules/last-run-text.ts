// A schedule's last run in one line, for the CLI, Slack and the sync report (apart from the
// listing, so that printing it loads no cron parser).
import type { ScheduleRecord } from '../ports/schedules.js';

/** The last run in one line, for the CLI and Slack: `failed at 2026-03-02 09:00 (why); 2 firings skipped since`. */
export function lastRunText(entry: { last: ScheduleRecord['last']; skipped: number }): string {
  const { last, skipped } = entry;
  const since = skipped > 0 ? `; ${skipped} firing${skipped === 1 ? '' : 's'} skipped since (the run still went on)` : '';
  if (!last) return `never ran${since}`;
  const at = (last.finishedAt ?? last.startedAt).replace('T', ' ').slice(0, 16);
  const how = last.status === 'running' ? `running since ${at}` : `${last.status} at ${at}`;
  const why = last.status === 'failed' ? ` (${last.error ?? 'no reason given'})` : last.outcome ? ` (${last.outcome.text})` : '';
  const byHand = last.trigger === 'now' ? `, run by ${last.by ?? 'hand'}` : '';
  const before = last.skippedBefore > 0 ? `, after ${last.skippedBefore} skipped firing${last.skippedBefore === 1 ? '' : 's'}` : '';
  return `${how}${why}${byHand}${before}${since}`;
}
