// The shell's schedule handlers: the worker's pipelines for the fleet kinds (staging release,
// version and config sync) and the sync report, run in the shell's process with its demo world's
// release deps, a line per app and the counts printed where the worker would post to Slack.
import { appLine } from '../adapters/cli/fleet-run-cli.js';
import { reportText } from '../adapters/cli/report-views.js';
import { syncConfig } from '../core/fleet/config-sync.js';
import type { FleetPipeline } from '../core/fleet/fleet-run.js';
import { syncReport } from '../core/fleet/sync-report.js';
import { syncReportOutcome } from '../core/fleet/sync-report-messages.js';
import { countsLine, fleetOutcome } from '../core/fleet/tracked-release-messages.js';
import { releaseTrackedRun } from '../core/fleet/tracked-release.js';
import { syncVersions } from '../core/fleet/version-sync.js';
import type { ReleaseContext, ReleaseDeps } from '../core/release/release-deps.js';
import type { ScheduleHandler, ScheduleHandlers } from '../core/schedules/schedule-handlers.js';
import type { ScheduleRuns } from '../core/ports/schedules.js';

export interface ShellScheduleOptions {
  /** The demo world's release deps, made when a firing runs. */
  deps: () => ReleaseDeps;
  /** The shell's schedule run records: the report says which firings were skipped. */
  runs: Pick<ScheduleRuns, 'records'>;
  say: (text: string) => void;
}

function fleetHandler(pipeline: FleetPipeline, { deps, say }: ShellScheduleOptions): ScheduleHandler {
  return async ({ env, schedule, firingId, signal }) => {
    say(`schedule ${schedule.name} (${schedule.kind}) in ${env}:\n`);
    const ctx: ReleaseContext = { user: `schedule:${schedule.name}`, jobId: firingId, onEvent: () => undefined, signal };
    const run = await pipeline(deps(), ctx, { env, onApp: (a) => say(appLine(a)) });
    say(`${run.title}: ${countsLine(run)}\n`);
    return fleetOutcome(run);
  };
}

export function shellScheduleHandlers(options: ShellScheduleOptions): Partial<ScheduleHandlers> {
  return {
    'staging-release': fleetHandler(releaseTrackedRun, options),
    'version-sync': fleetHandler(syncVersions, options),
    'config-sync': fleetHandler(syncConfig, options),
    report: async ({ env }) => {
      const report = await syncReport({ ...options.deps(), scheduleRuns: options.runs }, { env });
      options.say(reportText(report));
      return syncReportOutcome(report);
    },
  };
}
