// The shell's schedule handlers: the worker's pipelines for the fleet kinds (staging release,
// version and config sync), the sync report and the datastore nightly, run in the shell's process
// with its demo world's release deps, a line per app and the counts printed where the worker
// would post to Slack (the nightly's summary and thread as Slack would get them).
import { appLine } from '../adapters/cli/fleet-run-cli.js';
import { reportText } from '../adapters/cli/report-views.js';
import { renderText } from '../adapters/cli/text-render.js';
import type { DatastorePorts } from '../core/datastores/datastore-deps.js';
import { datastoreNightly } from '../core/datastores/datastore-nightly.js';
import { nightlyMessages, nightlyOutcome } from '../core/datastores/nightly-messages.js';
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
  /** The datastore ports of the shell's state folder, over the deps a firing runs with. */
  datastores: (deps: ReleaseDeps) => DatastorePorts;
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

function datastoreNightlyHandler({ deps, datastores, say }: ShellScheduleOptions): ScheduleHandler {
  return async ({ env, schedule, firingId, signal }) => {
    const by = `schedule:${schedule.name}`;
    const release = deps();
    const run = await datastoreNightly({ ...release, datastores: datastores(release) }, { user: by, jobId: firingId, onEvent: () => undefined, signal }, env);
    const { summary, thread } = nightlyMessages(run, { runId: firingId, by });
    say(`schedule ${schedule.name} (${schedule.kind}) in ${env}, ${schedule.channel ? `what a worker posts in #${schedule.channel}` : 'no channel: what a worker would post'}:\n`);
    say([summary, ...thread].map(renderText).join(''));
    return nightlyOutcome(run);
  };
}

export function shellScheduleHandlers(options: ShellScheduleOptions): Partial<ScheduleHandlers> {
  return {
    'staging-release': fleetHandler(releaseTrackedRun, options),
    'version-sync': fleetHandler(syncVersions, options),
    'config-sync': fleetHandler(syncConfig, options),
    'datastore-nightly': datastoreNightlyHandler(options),
    report: async ({ env }) => {
      const report = await syncReport({ ...options.deps(), scheduleRuns: options.runs }, { env });
      options.say(reportText(report));
      return syncReportOutcome(report);
    },
  };
}
