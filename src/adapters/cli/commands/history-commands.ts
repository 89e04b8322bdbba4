// `history` lists an app's releases in an environment; `status` says what runs where, as Slack
// answers it; `diff` compares live, a release and a fresh render of its version. All only read:
// no lock, nothing applied, nothing recorded.
import type { Command } from 'commander';
import { appStatuses, envsOfApp, infoAnswer } from '../../../core/commands/info-answers.js';
import { shortTime } from '../../../core/commands/replies/message.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { Pin, ReleaseSummary } from '../../../core/ports/release-history.js';
import { isClean, summarizeDiff } from '../../../core/release/compare.js';
import { describeEvent } from '../../../core/release/events.js';
import { releaseDrift, type DriftReport } from '../../../core/release/release-drift.js';
import type { ReleaseDeps } from '../../../core/release/release-deps.js';
import { releaseDepsFor, type CliIo } from '../cli-context.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { diffJson, historyJson, jsonText, statusJson } from '../json-output.js';
import { renderText } from '../text-render.js';

const MAX_LIMIT = 1000;

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 20;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT) {
    throw new NestorError(ErrorCode.BadInput, `--limit expects a whole number from 1 to ${MAX_LIMIT}, got "${value}"`);
  }
  return n;
}

function versionOf(r: Pick<ReleaseSummary, 'sha' | 'ref'>): string {
  const short = r.sha.slice(0, 7);
  return r.ref && !r.sha.startsWith(r.ref) ? `${short} (${r.ref})` : short;
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
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
async function allEnvironments(deps: ReleaseDeps, app: string, limit: number, json: boolean): Promise<string> {
  const envs = envsOfApp((await deps.config.load()).tree, app, undefined);
  const [lists, pins] = await Promise.all([
    Promise.all(envs.map((env) => deps.history.list(app, env, limit))),
    Promise.all(envs.map((env) => deps.history.getPin(app, env))),
  ]);
  const releases = lists.flat().sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  if (json) return jsonText(historyJson(app, null, releases, undefined));
  if (releases.length === 0) return `no releases of ${app}\n`;
  const pinned = envs.flatMap((env, i) => (pins[i] ? [`${env}: ${pinLine(pins[i])}`] : []));
  return historyTable(releases, undefined, true) + pinned.join('');
}

export function registerHistory(program: Command, io: CliIo): void {
  grammarCommand(program, ['history'])
    .option('--limit <n>', 'how many releases to show (default 20)')
    .option('--json', 'print JSON: {app, env, releases: [...], pin}')
    .action(onParsed('history', async ({ app, env }, options: { limit?: string; json?: boolean }, command) => {
      const limit = parseLimit(options.limit);
      const deps = releaseDepsFor(io, command);
      if (env === undefined) return io.out(await allEnvironments(deps, app, limit, options.json ?? false));
      const [releases, pin] = await Promise.all([deps.history.list(app, env, limit), deps.history.getPin(app, env)]);
      if (options.json) return io.out(jsonText(historyJson(app, env, releases, pin)));
      io.out(releases.length === 0 ? `no releases of ${app} in ${env}\n` : historyTable(releases, pin));
      if (pin) io.out(pinLine(pin));
    }));

  grammarCommand(program, ['status'])
    .option('--json', 'print JSON: {app, environments: [...]}')
    .action(onParsed('status', async (status, options: { json?: boolean }, command) => {
      const deps = releaseDepsFor(io, command);
      if (options.json) return io.out(jsonText(statusJson(status.app, await appStatuses(deps, status.app, status.env))));
      io.out(renderText(await infoAnswer(deps, status)));
    }));

  program
    .command('diff')
    .description('compare what is live, a release (default: the latest) and a fresh render of its version')
    .argument('<app>').argument('<env>').argument('[history-commit]', 'default: the latest release')
    .option('--json', 'print JSON: {app, env, release, pin, clusters: [{cluster, redeploy, drift}]}; progress goes to stderr')
    .action(async (app: string, env: string, commit: string | undefined, options: { json?: boolean }, command: Command) => {
      const deps = releaseDepsFor(io, command);
      const progress = (text: string) => (options.json ? io.err(text) : io.out(text));
      const report = await releaseDrift(deps, { app, env, ...(commit ? { commit } : {}) }, (e) => progress(`${describeEvent(e)}\n`));
      io.out(options.json ? jsonText(diffJson(report)) : driftText(report));
    });
}
