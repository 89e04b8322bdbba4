// `history` lists an app's releases in an environment; `status` says what runs where, as Slack
// answers it; `diff` compares live, a release and a fresh render of its version. All only read:
// no lock, nothing applied, nothing recorded.
import type { Command } from 'commander';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { releaseDepsFor, type CliIo } from '../cli-context.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';

const MAX_LIMIT = 1000;

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 20;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT) {
    throw new NestorError(ErrorCode.BadInput, `--limit expects a whole number from 1 to ${MAX_LIMIT}, got "${value}"`);
  }
  return n;
}

export function registerHistory(program: Command, io: CliIo): void {
  grammarCommand(program, ['history'])
    .option('--limit <n>', 'how many releases to show (default 20)')
    .option('--json', 'print JSON: {app, env, releases: [...], pin}')
    .action(onParsed('history', async ({ app, env }, options: { limit?: string; json?: boolean }, command) => {
      const limit = parseLimit(options.limit);
      const [{ allEnvironments, historyTable, pinLine }, { historyJson, jsonText }] = await Promise.all([import('../history-views.js'), import('../json-output.js')]);
      const deps = releaseDepsFor(io, command);
      if (env === undefined) return io.out(await allEnvironments(deps, app, limit, options.json ?? false));
      // One after the other (the history's clone runs its git one call at a time anyway): a failed list leaves no read running after the command ends.
      const releases = await deps.history.list(app, env, limit);
      const pin = await deps.history.getPin(app, env);
      if (options.json) return io.out(jsonText(historyJson(app, env, releases, pin)));
      io.out(releases.length === 0 ? `no releases of ${app} in ${env}\n` : historyTable(releases, pin));
      if (pin) io.out(pinLine(pin));
    }));

  grammarCommand(program, ['status'])
    .option('--json', 'print JSON: {app, environments: [...]}')
    .action(onParsed('status', async (status, options: { json?: boolean }, command) => {
      const [{ appStatuses, infoAnswer }, { jsonText, statusJson }, { renderText }] = await Promise.all([
        import('../../../core/commands/info-answers.js'), import('../json-output.js'), import('../text-render.js'),
      ]);
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
      const [{ releaseDrift }, { describeEvent }, { diffJson, jsonText }, { driftText }] = await Promise.all([
        import('../../../core/release/release-drift.js'), import('../../../core/release/events.js'), import('../json-output.js'), import('../history-views.js'),
      ]);
      const deps = releaseDepsFor(io, command);
      const progress = (text: string) => (options.json ? io.err(text) : io.out(text));
      const report = await releaseDrift(deps, { app, env, ...(commit ? { commit } : {}) }, (e) => progress(`${describeEvent(e)}\n`));
      io.out(options.json ? jsonText(diffJson(report)) : driftText(report));
    });
}
