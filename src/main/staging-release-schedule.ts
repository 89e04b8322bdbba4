// The `staging-release` kind of schedule in the worker: a tracked release of the environment
// (core/fleet/tracked-release.ts) under the firing's id, so that a firing taken over after its
// worker died completes the apps left and records none twice; the usual release announcement for
// each app released or rolled back, then ONE summary in the schedule's channel with the per-app
// details in its thread. Slack failing costs the summary, never the run (it is logged).
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { logDeliveries } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import { trackedReleaseMessages, trackedReleaseOutcome } from '../core/fleet/tracked-release-messages.js';
import { releaseTracked } from '../core/fleet/tracked-release.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';
import type { ScheduleHandler } from '../core/schedules/schedule-handlers.js';
import type { Announcer } from './worker-announce.js';

export function stagingReleaseHandler(deps: ReleaseDeps, announce: Announcer, slack: webApi.WebClient, logger: Logger): ScheduleHandler {
  return async ({ env, schedule, firingId, signal }) => {
    const user = `schedule:${schedule.name}`;
    const run = await releaseTracked(deps, { user, jobId: firingId, onEvent: () => undefined, signal }, {
      env,
      afterDeploy: (result, ctx, started) => announce.after(deps, ctx, started, result),
    });
    const channel = schedule.channel ?? run.channel;
    if (channel) {
      const messages = trackedReleaseMessages(run, { runId: firingId, by: user });
      await postTrackedRelease({ slack, observe: logDeliveries(logger) }, channel, messages, firingId)
        .catch((error: unknown) => logger.warn({ err: error, firingId, env }, 'staging release summary not posted'));
    }
    return trackedReleaseOutcome(run);
  };
}
