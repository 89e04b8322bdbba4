// The datastore-nightly kind of schedule in the worker and the shell: the source environment's
// snapshots, then the resets of the environments that opt in (core/datastores/datastore-nightly.ts),
// and ONE summary in the schedule's channel with every datastore's details in its thread. Slack
// failing costs the summary, never the run (it is logged).
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { logDeliveries, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import type { DatastoreDeps } from '../core/datastores/datastore-deps.js';
import { datastoreNightly } from '../core/datastores/datastore-nightly.js';
import { nightlyMessages, nightlyOutcome } from '../core/datastores/nightly-messages.js';
import type { ScheduleHandler } from '../core/schedules/schedule-handlers.js';

/** `observe`: the summary's deliveries (logged, and counted in the worker). */
export function datastoreNightlyHandler(deps: DatastoreDeps, slack: webApi.WebClient, logger: Logger, observe: DeliveryObserver = logDeliveries(logger)): ScheduleHandler {
  return async ({ env, schedule, firingId, signal }) => {
    const by = `schedule:${schedule.name}`;
    const run = await datastoreNightly(deps, { user: by, jobId: firingId, onEvent: () => undefined, signal }, env);
    if (schedule.channel) {
      await postTrackedRelease({ slack, observe }, schedule.channel, nightlyMessages(run, { runId: firingId, by }), firingId)
        .catch((error: unknown) => logger.warn({ err: error, firingId, env }, 'datastore-nightly summary not posted'));
    }
    return nightlyOutcome(run);
  };
}
