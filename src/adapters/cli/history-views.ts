// What `nestor history`, `status` and `diff` print: tables and pins as a terminal shows them.
// Loaded by their actions only, with what they need.
import { envsOfApp } from '../../core/commands/info-answers.js';
import { shortTime } from '../../core/commands/replies/message.js';
import type { Pin, ReleaseSummary } from '../../core/ports/release-history.js';
import { isClean, summarizeDiff } from '../../core/release/compare.js';
import type { ReleaseDeps } from '../../core/release/release-deps.js';
import type { DriftReport } from '../../core/release/release-drift.js';
import { historyJson, jsonText } from './json-output.js';
import { formatTable } from './text-table.js';
import { compareText } from '../../core/text/compare-text.js';

function versionOf(r: Pick<ReleaseSummary, 'sha' | 'ref'>): string {
  const short = r.sha.slice(0, 7);
  return r.ref && !r.sha.startsWith(r.ref) ? `${short} (${r.ref})` : short;
}

/** One environment's releases, or (`byEnv`) several environments' with an ENV column. */
export function historyTable(releases: readonly ReleaseSummary[], pin: Pin | undefined, byEnv = false): string {
  const pinned = (r: ReleaseSummary) => (pin && r.commit.startsWith(pin.commit) ? '*' : '');
  const rows = releases.map((r) => [`${r.commit.slice(0, 7)}${pinned(r)}`, ...(byEnv ? [r.env] : []), shortTime(r.at), r.kind, versionOf(r), r.user, r.message]);
  return formatTable([['COMMIT', ...(byEnv ? ['ENV'] : []), 'WHEN (UTC)', 'KIND', 'VERSION', 'WHO', 'MESSAGE'], ...rows]);
}

export function pinLine(pin: Pin): string {
  return `pinned to ${pin.commit.slice(0, 7)} by ${pin.by} since ${shortTime(pin.at)}: ${pin.reason}\n`;
}

/** The two sections of `nestor diff`, each a summary line per cluster then the unified diffs. */
export function driftText(report: DriftReport): string {
  const { release } = report;
  const head = `${release.app} in ${release.env}: release ${release.commit.slice(0, 7)} (${release.kind} of ${versionOf(release)} by ${release.user}, ${shortTime(release.at)})\n`;
  const section = (title: string, pick: 'redeploy' | 'drift', clean: string): string => {
    const lines = report.clusters.map((c) => `${summarizeDiff(c.cluster, c[pick], clean)}\n`);
    const text = report.clusters.filter((c) => !isClean(c[pick])).map((c) => c[pick].text).join('');
    return `\n== ${title}\n${lines.join('')}${text}`;
  };
  return head + (report.pin ? pinLine(report.pin) : '')
    + section(`redeploy: what deploying ${versionOf(release)} again with the current config would change live`, 'redeploy', 'nothing would change')
    + section(`drift: live against release ${release.commit.slice(0, 7)} (changes made outside Nestor)`, 'drift', 'live matches the release');
}

/** `nestor history <app>`: the newest releases of every environment with a file for the app, and each pin. */
export async function allEnvironments(deps: ReleaseDeps, app: string, limit: number, json: boolean): Promise<string> {
  const envs = envsOfApp((await deps.config.load()).tree, app, undefined);
  const [lists, pins] = await Promise.all([
    Promise.all(envs.map((env) => deps.history.list(app, env, limit))),
    Promise.all(envs.map((env) => deps.history.getPin(app, env))),
  ]);
  const releases = lists.flat().sort((a, b) => compareText(b.at, a.at)).slice(0, limit);
  if (json) return jsonText(historyJson(app, null, releases, undefined));
  if (releases.length === 0) return `no releases of ${app}\n`;
  const pinned = envs.flatMap((env, i) => (pins[i] ? [`${env}: ${pinLine(pins[i])}`] : []));
  return historyTable(releases, undefined, true) + pinned.join('');
}
