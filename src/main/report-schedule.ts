// The `report` kind of schedule in the worker: the sync report of the schedule's environment
// (core/fleet/sync-report.ts), with the firings of its schedules that were skipped (read from the
// workers' run records), posted as ONE summary to the schedule's channel (else the environment's
// slack.channels.info) with every app in its thread. Slack failing costs the message, never the
// run (it is logged); the run's outcome is the report's counts either way.
import type { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisScheduleRuns } from '../adapters/schedules/redis-schedule-runs.js';
import { logDeliveries } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import { syncReport, type SyncReportDeps } from '../core/fleet/sync-report.js';
import { syncReportMessages, syncReportOutcome } from '../core/fleet/sync-report-messages.js';
import type { ScheduleHandler } from '../core/schedules/schedule-handlers.js';

export function reportHandler(deps: SyncReportDeps, connection: Redis, slack: webApi.WebClient, logger: Logger): ScheduleHandler {
  const scheduleRuns = new RedisScheduleRuns(connection);
  return async ({ env, schedule, firingId }) => {
    const report = await syncReport({ ...deps, scheduleRuns }, { env });
    const channel = schedule.channel ?? report.environments[0]?.channel;
    if (channel) {
      const messages = syncReportMessages(report, { by: `schedule:${schedule.name}`, runId: firingId });
      await postTrackedRelease({ slack, observe: logDeliveries(logger) }, channel, messages, firingId)
        .catch((error: unknown) => logger.warn({ err: error, firingId, env }, 'sync report not posted'));
    }
    return syncReportOutcome(report);
  };
}
