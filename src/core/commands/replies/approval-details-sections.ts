// The sections of an approval request that say what is approved: commits, config keys, objects.
// Lists are cut with "… and N more": the request keeps at most DETAIL_LIMIT names per list, and a
// section shows fewer when its text would pass Block Kit's 3,000 characters.
import type { ApprovalDetails, KeyChange } from '../approval-details.js';
import { formatVersion } from './release-replies.js';
import { shortSha, type Field, type Section } from './message.js';

/** Below Block Kit's 3,000 characters per section, leaving room for the title and a code fence. */
const SECTION_BUDGET = 2_700;

const more = (shown: number, total: number): string[] => (total > shown ? [`… and ${total - shown} more`] : []);

/** The lines of `build(n)` for the largest n (each list cut to n) that fits the budget. */
function fitted(max: number, build: (n: number) => string[]): string[] {
  for (let n = max; n > 0; n -= 1) {
    const lines = build(n);
    if (lines.join('\n').length <= SECTION_BUDGET) return lines;
  }
  return build(0);
}

export function runningField(details: ApprovalDetails | undefined): Field[] {
  if (details === undefined) return [];
  return [{ label: 'Running now', value: details.running ? formatVersion(details.running) : 'nothing yet' }];
}

function commitsSection(details: ApprovalDetails): Section[] {
  const commits = details.commits;
  if (!commits || commits.total === 0) return [];
  const title = commits.direction === 'adds' ? `Commits it brings (${commits.total})` : `Commits it takes out (${commits.total})`;
  const lines = fitted(commits.shown.length, (n) => [...commits.shown.slice(0, n).map((c) => `${shortSha(c.sha)} ${c.subject}`), ...more(n, commits.total)]);
  return [{ title, lines }];
}

function keyLine(k: KeyChange): string {
  if (k.secret) return `${k.key}: secret, ${k.change} (value not shown)`;
  if (k.change === 'added') return `${k.key}: added, ${k.after}`;
  if (k.change === 'removed') return `${k.key}: removed (was ${k.before})`;
  return `${k.key}: ${k.before} → ${k.after}`;
}

function configSection(details: ApprovalDetails): Section[] {
  if (details.configTotal === 0) return [];
  const lines = fitted(details.config.length, (n) => [...details.config.slice(0, n).map(keyLine), ...more(n, details.configTotal)]);
  return [{ title: `Config keys that change (${details.configTotal})`, lines }];
}

function objectsSection(details: ApprovalDetails): Section[] {
  if (details.objects.length === 0) return [];
  const list = (mark: string, names: readonly string[], total: number, n: number) => [...names.slice(0, n).map((o) => `${mark} ${o}`), ...more(Math.min(n, names.length), total)];
  const lines = fitted(Math.max(...details.objects.flatMap((c) => [c.create.length, c.update.length, c.delete.length])), (n) => details.objects.flatMap((c) => [
    `${c.cluster}: ${c.counts.create} to create, ${c.counts.update} to update, ${c.counts.delete} to delete, ${c.unchanged} unchanged`,
    ...list('+', c.create, c.counts.create, n), ...list('~', c.update, c.counts.update, n), ...list('-', c.delete, c.counts.delete, n),
  ]));
  return [{ title: 'Objects (against the recorded release)', lines, monospace: true }];
}

export function detailSections(details: ApprovalDetails | undefined): Section[] {
  if (details === undefined) return [];
  return [...commitsSection(details), ...configSection(details), ...objectsSection(details)];
}
