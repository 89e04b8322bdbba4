// `nestor sync versions <env>` and `nestor sync config <env>`: the version sync and the config
// sync of an environment that opts in (release.version_sync, release.config_sync), run by hand,
// in-process, as the schedules of those kinds run them on the workers.
import type { Command } from 'commander';
import type { CliIo } from '../cli-context.js';
import type { FleetPipeline } from '../../../core/fleet/fleet-run.js';
import { parallelismOption, runFleetCommand } from '../fleet-run-cli.js';

interface SyncCommand {
  name: string;
  description: string;
  dryRun: string;
  /** Loaded when the action runs. */
  pipeline: () => Promise<FleetPipeline>;
}

const SYNCS: readonly SyncCommand[] = [
  {
    name: 'versions',
    description: 'move every app to the version the source environment runs (release.version_sync.from, default staging); pinned apps and apps a person deployed a branch of less than hold_hours ago stay',
    dryRun: 'list the apps that would move, the held and the pinned ones; release nothing',
    pipeline: async () => (await import('../../../core/fleet/version-sync.js')).syncVersions,
  },
  {
    name: 'config',
    description: 'release the running version of every app whose merged config changed since its last release again, with the current config; pinned apps stay',
    dryRun: 'list the apps whose config changed, with the keys that differ; release nothing',
    pipeline: async () => (await import('../../../core/fleet/config-sync.js')).syncConfig,
  },
];

export function registerSync(program: Command, io: CliIo): void {
  const sync = program.command('sync').description("bring an environment's apps in line with its source environment's versions, or with its current config");
  for (const s of SYNCS) {
    sync
      .command(s.name)
      .description(s.description)
      .argument('<env>')
      .option('--parallelism <n>', 'apps released at once per cluster (default: release.parallelism, then 4)', parallelismOption)
      .option('--dry-run', s.dryRun)
      .action(async (env: string, options: { parallelism?: number; dryRun?: boolean }, command: Command) => {
        await runFleetCommand(io, command, await s.pipeline(), { env, ...options });
      });
  }
}
