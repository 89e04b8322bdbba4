// The job handler map: one entry per job kind, each turning a job into the input of its
// pipeline (deploy, rollback, ...). Pipelines are injected already bound to their ReleaseDeps by
// the composition root, so the worker never builds clients itself.
import { ErrorCode, NestorError } from '../errors.js';
import type { JobOutcome } from '../ports/job-queue.js';
import type { DeployInput } from '../release/deploy.js';
import type { ReleaseContext, ReleaseResult } from '../release/release-deps.js';
import type { RollbackInput } from '../release/rollback.js';
import type { CiSuccessJob, ConfigSetJob, ConfigUnsetJob, DatastoreJob, DatastoreListJob, JobKind, JobOf, ReportJob, RunJob, ScaleJob } from './job-schema.js';

type Input<J> = Omit<J, 'kind' | 'user' | 'origin'>;

export interface JobPipelines {
  deploy(ctx: ReleaseContext, input: DeployInput): Promise<ReleaseResult>;
  rollback(ctx: ReleaseContext, input: RollbackInput): Promise<ReleaseResult>;
  scale(ctx: ReleaseContext, input: Input<ScaleJob>): Promise<ReleaseResult>;
  configSet(ctx: ReleaseContext, input: Input<ConfigSetJob>): Promise<ReleaseResult>;
  configUnset(ctx: ReleaseContext, input: Input<ConfigUnsetJob>): Promise<ReleaseResult>;
  datastore(ctx: ReleaseContext, input: Input<DatastoreJob>): Promise<JobOutcome>;
  /** An admin process (`run`): its outcome's message ends with the end of its log. */
  run(ctx: ReleaseContext, input: Input<RunJob>): Promise<JobOutcome>;
  /** The branch workflow of a CI success: tag, image build, branch moves. */
  ciSuccess(ctx: ReleaseContext, input: Input<CiSuccessJob>): Promise<JobOutcome>;
  /** The sync report, posted where the job was asked from (its origin, hence the whole job). */
  report(ctx: ReleaseContext, job: ReportJob): Promise<JobOutcome>;
  /** The datastore listing, posted where the job was asked from. */
  datastoreList(ctx: ReleaseContext, job: DatastoreListJob): Promise<JobOutcome>;
}

export type JobHandler<K extends JobKind> = (ctx: ReleaseContext, job: JobOf<K>) => Promise<JobOutcome>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

/** What a job keeps of a release: small and free of diffs (its return value lives in Redis). */
export function outcomeOf(result: ReleaseResult | JobOutcome): JobOutcome {
  const { outcome, message, commit, sha, historyPending } = result;
  return {
    outcome, message,
    ...(commit ? { commit } : {}),
    ...(sha ? { sha } : {}),
    ...(historyPending === undefined ? {} : { historyPending }),
  };
}

function inputOf<J extends { kind: string; user: string; origin: unknown }>(job: J): Input<J> {
  const { kind: _kind, user: _user, origin: _origin, ...input } = job;
  return input;
}

function missing(kind: JobKind): JobHandler<JobKind> {
  return async () => {
    throw new NestorError(ErrorCode.BadInput, `this worker cannot run ${kind} jobs yet`);
  };
}

/** The handler map over the pipelines given; a kind without a pipeline fails at once. */
export function jobHandlers(pipelines: Partial<JobPipelines>): JobHandlers {
  const p = pipelines;
  const run = async (promise: Promise<ReleaseResult | JobOutcome>): Promise<JobOutcome> => outcomeOf(await promise);
  return {
    deploy: p.deploy ? (ctx, job) => run(p.deploy!(ctx, inputOf(job))) : missing('deploy'),
    rollback: p.rollback ? (ctx, job) => run(p.rollback!(ctx, inputOf(job))) : missing('rollback'),
    scale: p.scale ? (ctx, job) => run(p.scale!(ctx, inputOf(job))) : missing('scale'),
    'config-set': p.configSet ? (ctx, job) => run(p.configSet!(ctx, inputOf(job))) : missing('config-set'),
    'config-unset': p.configUnset ? (ctx, job) => run(p.configUnset!(ctx, inputOf(job))) : missing('config-unset'),
    datastore: p.datastore ? (ctx, job) => run(p.datastore!(ctx, inputOf(job))) : missing('datastore'),
    run: p.run ? (ctx, job) => run(p.run!(ctx, inputOf(job))) : missing('run'),
    'ci-success': p.ciSuccess ? (ctx, job) => run(p.ciSuccess!(ctx, inputOf(job))) : missing('ci-success'),
    report: p.report ? (ctx, job) => run(p.report!(ctx, job)) : missing('report'),
    'datastore-list': p.datastoreList ? (ctx, job) => run(p.datastoreList!(ctx, job)) : missing('datastore-list'),
  };
}

/** Runs `job` through the handler of its kind. */
export function dispatch<K extends JobKind>(handlers: JobHandlers, ctx: ReleaseContext, job: JobOf<K> & { kind: K }): Promise<JobOutcome> {
  const handler: JobHandler<K> = handlers[job.kind];
  return handler(ctx, job);
}
