// The worker's CI successes: the branch workflow bound to the worker's dependencies, each
// announced (the root environment's info channel, error for a failure) without holding up the
// job; `settled()` waits for the announcements in flight (shutdown). A failed announcement is
// logged: the branches moved whatever Slack does.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { logDeliveries, postAnnouncement, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { workflowAnnouncementIn } from '../core/commands/replies/workflow-replies.js';
import type { JobPipelines } from '../core/jobs/job-handlers.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';
import { ciSuccess, type WorkflowPorts } from '../core/workflow/ci-success.js';

export interface WorkflowPipeline {
  ciSuccess: JobPipelines['ciSuccess'];
  settled(): Promise<void>;
}

/** `observe`: the announcements' deliveries (logged, and counted in the worker). */
export function workflowPipeline(
  deps: ReleaseDeps, ports: WorkflowPorts, slack: webApi.WebClient, logger: Logger, observe: DeliveryObserver = logDeliveries(logger),
): WorkflowPipeline {
  const inFlight = new Set<Promise<void>>();
  return {
    ciSuccess: async (ctx, input) => {
      const result = await ciSuccess({ ...deps, ...ports }, ctx, input);
      const announced = deps.config.load()
        .then(async ({ tree }) => {
          const announcement = workflowAnnouncementIn(tree, result, ctx.user, ctx.jobId);
          if (announcement) await postAnnouncement({ slack, observe }, announcement, ctx.jobId);
        })
        .catch((error: unknown) => logger.warn({ err: error, jobId: ctx.jobId, app: input.app }, 'CI success announcement failed'))
        .finally(() => inFlight.delete(announced));
      inFlight.add(announced);
      return result;
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
