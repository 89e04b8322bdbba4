// `nestor report [<env>] [--json]`: the sync report (core/fleet/sync-report.ts) of one
// environment or of all: what runs where, what drifted, what is out of sync. Only reads.
import type { Command } from 'commander';
import { releaseDepsFor, type CliIo } from '../cli-context.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';

export function registerReport(program: Command, io: CliIo): void {
  grammarCommand(program, ['report'])
    .option('--json', 'print JSON: {at, durationMs, environments: [{env, channel, apps: [...], skippedFirings}]}')
    .action(onParsed('report', async ({ env }, options: { json?: boolean }, command) => {
      const [{ syncReport }, { jsonText }, { reportText }] = await Promise.all([
        import('../../../core/fleet/sync-report.js'), import('../json-output.js'), import('../report-views.js'),
      ]);
      const report = await syncReport(releaseDepsFor(io, command), env === undefined ? {} : { env });
      io.out(options.json ? jsonText(report) : reportText(report));
    }));
}
