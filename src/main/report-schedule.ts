// The sync report in the worker (core/fleet/sync-report.ts), with the firings of the
// environment's schedules that were skipped (read from the workers' run records): for the `report`
// kind of schedule, posted to the schedule's channel (else the environment's slack.channels.info),
// and for a `report` job (`/nestor report [<env>]`), to the conversation it was asked from. Either
// way ONE summary, counts first, with every app in its thread. Slack failing costs the message,
// never the run (it is logged); the run's outcome is the report's counts either way. With a drift
// board, each released app's live drift is published there for the web view (a failure is logged).
import type { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisScheduleRuns } from '../adapters/schedules/redis-schedule-runs.js';
import { logDeliveries, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import { syncReport, type SyncReport, type SyncReportDeps } from '../core/fleet/sync-report.js';
import { syncReportMessages, syncReportOutcome } from '../core/fleet/sync-report-messages.js';
import { publishReportDrift } from '../core/fleet/live-drift-board.js';
import type { DriftBoard } from '../core/ports/drift-board.js';
import type { JobPipelines } from '../core/jobs/job-handlers.js';
import type { ScheduleHandler } from '../core/schedules/schedule-handlers.js';

interface ReportRequest {
  env?: string;
  /** Where it goes, if anywhere. */
  channelOf: (report: SyncReport) => string | undefined;
  /** Who asked: a person, or `schedule:<name>`. */
  by: string;
  /** The firing or the job: what the posts are logged under. */
  runId: string;
}

type PostReport = (request: ReportRequest) => Promise<SyncReport>;

type Board = Pick<DriftBoard, 'publish'>;

/** Where a report goes beside Slack: `observe` its deliveries (logged, and counted in the worker), `board` its live drift. */
export interface ReportOutlets {
  observe?: DeliveryObserver;
  board?: Board;
}

function reportPoster(deps: SyncReportDeps, connection: Redis, slack: webApi.WebClient, logger: Logger, { observe = logDeliveries(logger), board }: ReportOutlets): PostReport {
  const scheduleRuns = new RedisScheduleRuns(connection);
  return async ({ env, channelOf, by, runId }) => {
    const report = await syncReport({ ...deps, scheduleRuns }, env === undefined ? {} : { env });
    if (board) await publishReportDrift(board, report).catch((error: unknown) => logger.warn({ err: error, runId, env }, 'live drift not published'));
    const to = channelOf(report);
    if (to) {
      const messages = syncReportMessages(report, { by, runId });
      await postTrackedRelease({ slack, observe }, to, messages, runId)
        .catch((error: unknown) => logger.warn({ err: error, runId, env }, 'sync report not posted'));
    }
    return report;
  };
}

export function reportHandler(deps: SyncReportDeps, connection: Redis, slack: webApi.WebClient, logger: Logger, outlets: ReportOutlets = {}): ScheduleHandler {
  const post = reportPoster(deps, connection, slack, logger, outlets);
  return async ({ env, schedule, firingId }) => syncReportOutcome(
    await post({ env, by: `schedule:${schedule.name}`, runId: firingId, channelOf: (report) => schedule.channel ?? report.environments[0]?.channel }),
  );
}

/** The `report` job: the report posted to the requester's conversation (a job from elsewhere posts nowhere). */
export function reportJobPipeline(
  deps: SyncReportDeps, connection: Redis, slack: webApi.WebClient, logger: Logger, outlets: ReportOutlets = {},
): JobPipelines['report'] {
  const post = reportPoster(deps, connection, slack, logger, outlets);
  return async (ctx, job) => {
    const { origin } = job;
    const channelOf = (): string | undefined => (origin.kind === 'slack' ? origin.channel : undefined);
    const report = await post({ by: job.user, runId: ctx.jobId, channelOf, ...(job.env ? { env: job.env } : {}) });
    return { outcome: 'reported', message: `report of ${syncReportOutcome(report).text}` };
  };
}
