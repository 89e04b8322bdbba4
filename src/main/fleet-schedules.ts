// The fleet kinds of schedule in the worker (staging-release, version-sync, config-sync): a run
// over the environment's apps (core/fleet) under the firing's id, so that a firing taken over
// after its worker died completes the apps left and records none twice; the usual release
// announcement for each app released or rolled back, then ONE summary in the schedule's channel
// with the per-app details in its thread. Slack failing costs the summary, never the run (it is logged).
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { logDeliveries, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import { syncConfig } from '../core/fleet/config-sync.js';
import type { FleetPipeline } from '../core/fleet/fleet-run.js';
import { fleetMessages, fleetOutcome } from '../core/fleet/tracked-release-messages.js';
import { releaseTrackedRun } from '../core/fleet/tracked-release.js';
import { syncVersions } from '../core/fleet/version-sync.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';
import type { ScheduleHandler } from '../core/schedules/schedule-handlers.js';
import type { Announcer } from './worker-announce.js';

function fleetHandler(pipeline: FleetPipeline, deps: ReleaseDeps, announce: Announcer, slack: webApi.WebClient, logger: Logger, observe: DeliveryObserver): ScheduleHandler {
  return async ({ env, schedule, firingId, signal }) => {
    const user = `schedule:${schedule.name}`;
    const run = await pipeline(deps, { user, jobId: firingId, onEvent: () => undefined, signal }, {
      env,
      afterRelease: (result, ctx, started) => announce.after(deps, ctx, started, result),
    });
    const channel = schedule.channel ?? run.channel;
    if (channel) {
      const messages = fleetMessages(run, { runId: firingId, by: user });
      await postTrackedRelease({ slack, observe }, channel, messages, firingId)
        .catch((error: unknown) => logger.warn({ err: error, firingId, env }, `${schedule.kind} summary not posted`));
    }
    return fleetOutcome(run);
  };
}

/** The handlers of the fleet kinds, bound to the worker's pipelines; `observe`: the summaries' deliveries (logged, and counted in the worker). */
export function fleetScheduleHandlers(
  deps: ReleaseDeps, announce: Announcer, slack: webApi.WebClient, logger: Logger, observe: DeliveryObserver = logDeliveries(logger),
): Record<'staging-release' | 'version-sync' | 'config-sync', ScheduleHandler> {
  return {
    'staging-release': fleetHandler(releaseTrackedRun, deps, announce, slack, logger, observe),
    'version-sync': fleetHandler(syncVersions, deps, announce, slack, logger, observe),
    'config-sync': fleetHandler(syncConfig, deps, announce, slack, logger, observe),
  };
}
