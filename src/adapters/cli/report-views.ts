// What `nestor report` prints: per environment, its counts, a table of its apps, then the
// details of the apps to look at (drift, config keys, failure, what could not be read).
import { shortTime } from '../../core/commands/replies/message.js';
import type { AppReport, SyncReport } from '../../core/fleet/sync-report.js';
import { appDetails, countsLine, syncReportOutcome } from '../../core/fleet/sync-report-messages.js';
import { formatTable } from './text-table.js';

const dash = '-';

function row(a: AppReport): string[] {
  const r = a.release;
  return [
    a.app,
    r ? `${r.sha.slice(0, 7)}${r.ref && !r.sha.startsWith(r.ref) ? ` (${r.ref})` : ''}` : 'never released',
    r ? shortTime(r.at) : dash,
    r?.user ?? dash,
    a.pin ? `${a.pin.by}: ${a.pin.reason}` : dash,
    a.lastFailure ? shortTime(a.lastFailure.at) : dash,
    a.problem ? 'unknown' : (a.drift?.state ?? dash),
    a.config?.state ?? dash,
  ];
}

export function reportText(report: SyncReport): string {
  const parts = report.environments.map((e) => {
    const head = `== ${e.env}: ${countsLine(e.apps)}\n`;
    const table = formatTable([['APP', 'VERSION', 'RELEASED (UTC)', 'BY', 'PIN', 'LAST FAILURE', 'DRIFT', 'CONFIG'], ...e.apps.map(row)]);
    const details = e.apps.flatMap((a) => appDetails(a).slice(1).map((line) => `${a.app}:${line.slice(1)}\n`)).join('');
    const skipped = e.skippedFirings.map((note) => `skipped firings: ${note}\n`).join('');
    return `${head}${table}${details}${skipped}`;
  });
  return `${parts.join('\n')}\n${syncReportOutcome(report).text}\n`;
}
