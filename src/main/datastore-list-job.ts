// The `datastore-list` job in the worker: the listing of `nestor datastore list <env>` (sizes asked
// of the stores, snapshots and resets read from the snapshots folder, which only workers reach),
// posted to the conversation it was asked from; a job from elsewhere posts nowhere. Slack failing
// costs the message, never the job (it is logged); the job's outcome counts the datastores.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { logDeliveries, type DeliveryObserver } from '../adapters/slack/notifier/index.js';
import { postTrackedRelease } from '../adapters/slack/notifier/post-tracked-release.js';
import type { DatastoreDeps } from '../core/datastores/datastore-deps.js';
import { listDatastores } from '../core/datastores/list-datastores.js';
import { listingMessages, listingSummary } from '../core/datastores/listing-messages.js';
import type { JobPipelines } from '../core/jobs/job-handlers.js';

/** `observe`: the listing's deliveries (logged, and counted in the worker). */
export function datastoreListJobPipeline(
  deps: DatastoreDeps, slack: webApi.WebClient, logger: Logger, observe: DeliveryObserver = logDeliveries(logger),
): JobPipelines['datastoreList'] {
  return async (ctx, job) => {
    const listing = await listDatastores(deps, job.env);
    if (job.origin.kind === 'slack') {
      const messages = listingMessages(job.env, listing, { runId: ctx.jobId, by: job.user });
      await postTrackedRelease({ slack, observe }, job.origin.channel, messages, ctx.jobId)
        .catch((error: unknown) => logger.warn({ err: error, jobId: ctx.jobId, env: job.env }, 'datastore listing not posted'));
    }
    return { outcome: 'listed', message: `listed ${listingSummary(job.env, listing)}` };
  };
}
