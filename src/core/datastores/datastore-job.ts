// A queued datastore job (`/nestor datastore snapshot|reset …`) through its verb. A run that
// failed for any datastore fails the job with what failed (a reset's target left as it was), so
// its message says so; a job retried after that fails again the same way, it never resets twice
// what it reset once (the queue runs a request's job id once).
import { ErrorCode, NestorError } from '../errors.js';
import type { DatastoreJob } from '../jobs/job-schema.js';
import type { JobOutcome } from '../ports/job-queue.js';
import type { ReleaseContext } from '../release/release-deps.js';
import type { DatastoreDeps } from './datastore-deps.js';
import { resetDatastores } from './reset-datastores.js';
import { snapshotDatastores } from './snapshot-datastores.js';

export type DatastoreJobInput = Omit<DatastoreJob, 'kind' | 'user' | 'origin'>;

export async function runDatastoreJob(deps: DatastoreDeps, ctx: ReleaseContext, input: DatastoreJobInput): Promise<JobOutcome> {
  const target = { env: input.env, ...(input.datastore ? { datastore: input.datastore } : {}) };
  const result = input.action === 'snapshot'
    ? await snapshotDatastores(deps, ctx, target)
    : await resetDatastores(deps, ctx, { ...target, ...(input.from ? { from: input.from } : {}), ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}) });
  if (result.outcome === 'failed') throw new NestorError(ErrorCode.DatastoreFailed, result.message);
  return { outcome: result.outcome, message: result.message };
}
