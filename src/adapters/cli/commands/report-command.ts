// `nestor report [<env>] [--json]`: the sync report (core/fleet/sync-report.ts) of one
// environment or of all: what runs where, what drifted, what is out of sync. Only reads.
import type { Command } from 'commander';
import { releaseDepsFor, type CliIo } from '../cli-context.js';

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('what runs where: each app\'s version, who released it and when, its pin and last failure, whether its live objects drifted from the release and whether its config is out of sync')
    .argument('[env]', 'one environment (default: every environment)')
    .option('--json', 'print JSON: {at, durationMs, environments: [{env, channel, apps: [...], skippedFirings}]}')
    .action(async (env: string | undefined, options: { json?: boolean }, command: Command) => {
      const [{ syncReport }, { jsonText }, { reportText }] = await Promise.all([
        import('../../../core/fleet/sync-report.js'), import('../json-output.js'), import('../report-views.js'),
      ]);
      const report = await syncReport(releaseDepsFor(io, command), env === undefined ? {} : { env });
      io.out(options.json ? jsonText(report) : reportText(report));
    });
}
