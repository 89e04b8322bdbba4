// What an approval is bound to: the exact commit the job would release and a hash of the
// config it would release with, computed when the approval is asked and again when it is given.
// A deploy binds the sha its ref resolves to; other changes bind the running release's sha.
import { createHash } from 'node:crypto';
import type { ApprovalBinding } from '../../../core/commands/approval.js';
import { appConfig } from '../../../core/config/index.js';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import type { Job } from '../../../core/jobs/job-schema.js';
import type { ConfigSource } from '../../../core/ports/config-source.js';
import type { ReleaseHistory } from '../../../core/ports/release-history.js';
import type { SourceRepo } from '../../../core/ports/source-repo.js';

export interface BindingDeps {
  config: ConfigSource;
  source: SourceRepo;
  history: ReleaseHistory;
}

const NONE = '0'.repeat(40);

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export async function bindingOf(deps: BindingDeps, job: Job): Promise<ApprovalBinding> {
  const { tree } = await deps.config.load();
  if (job.kind === 'datastore') return { app: '', env: job.env, sha: NONE, configHash: hashOf(job) };
  if (job.kind === 'ci-success') throw new NestorError(ErrorCode.BadInput, `a CI success of ${job.app} asks no approval: it moves branches, not an environment`);
  if (job.kind === 'report' || job.kind === 'datastore-list') throw new NestorError(ErrorCode.BadInput, `a ${job.kind === 'report' ? 'report' : 'datastore listing'} asks no approval: it only reads`);
  const { config } = appConfig(tree, job.app, job.env);
  // A one-off process is approved for its command too: another command is another request.
  const configHash = hashOf(job.kind === 'run' ? { config, process: job.process, words: job.words } : config);
  if (job.kind === 'deploy') {
    const origin = config.git?.origin;
    if (!origin) throw new NestorError(ErrorCode.BadInput, `${job.app} has no git.origin in its config: nowhere to resolve ${job.ref} from`);
    const resolved = await deps.source.resolve(origin, job.ref);
    return { app: job.app, env: job.env, sha: resolved.sha, configHash };
  }
  const target = job.kind === 'rollback' ? await rollbackTarget(deps.history, job.app, job.env, job.commit) : await deps.history.get(job.app, job.env);
  return { app: job.app, env: job.env, sha: target?.sha ?? NONE, configHash };
}

async function rollbackTarget(history: ReleaseHistory, app: string, env: string, commit: string | undefined) {
  return commit ? history.get(app, env, commit) : history.previous(app, env);
}

/**
 * The job to enqueue once approved, carrying who approved it (every kind: its history commit
 * names the approver); a deploy is also pinned to the approved sha.
 */
export function approvedJob(job: Job, binding: ApprovalBinding, approvedBy: string): Job {
  // The ref stays (history shows the branch); the deploy refuses if it no longer points at the sha.
  if (job.kind === 'deploy') return { ...job, sha: binding.sha, approvedBy };
  if (job.kind === 'ci-success' || job.kind === 'report' || job.kind === 'datastore-list') return job;
  return { ...job, approvedBy };
}
