// `nestor release-tracked <env>`: the staging release run by hand (core/fleet/tracked-release.ts),
// in-process, a line per app as it ends and the counts at the end. Ctrl-C starts no new app; the
// releases under way finish (a second Ctrl-C quits at once).
import type { Command } from 'commander';
import type { CliIo } from '../cli-context.js';
import { parallelismOption, runFleetCommand } from '../fleet-run-cli.js';

export function registerStagingRelease(program: Command, io: CliIo): void {
  program
    .command('release-tracked')
    .description("release every app of an environment whose tracked branch (release.tracks, default master) moved since its last release; pinned apps are left alone")
    .argument('<env>')
    .option('--parallelism <n>', 'apps released at once per cluster (default: release.parallelism, then 4)', parallelismOption)
    .option('--dry-run', 'list the apps whose branch moved; release nothing')
    .action(async (env: string, options: { parallelism?: number; dryRun?: boolean }, command: Command) => {
      const { releaseTrackedRun } = await import('../../../core/fleet/tracked-release.js');
      await runFleetCommand(io, command, releaseTrackedRun, { env, ...options });
    });
}
