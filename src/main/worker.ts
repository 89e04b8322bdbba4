// Composition root of `nestor worker`: BullMQ jobs run through the real release pipelines
// (deploy, rollback, scale, config set/unset, run), datastore snapshots and resets (core/datastores), the
// report of `/nestor report` and the listing of `/nestor datastore list`, CI successes through the branch workflow (workflow-pipeline.ts),
// Redis locks shared with every other worker, progress to Slack, the schedules of the config
// (worker-schedules.ts), and SIGTERM: take no new job, finish the current ones, exit.
import { WebClient } from '@slack/web-api';
import { join } from 'node:path';
import { connectRedis } from '../adapters/redis/redis-connection.js';
import type { Logger } from 'pino';
import type { CliIo } from '../adapters/cli/cli-context.js';
import { GitAppBranches } from '../adapters/git/git-app-branches.js';
import { BullmqJobQueue } from '../adapters/queue/bullmq-queue.js';
import { startJobWorker, type JobWorker } from '../adapters/queue/bullmq-worker.js';
import { RedisCiDeliveries } from '../adapters/redis/redis-ci-deliveries.js';
import { RedisLocks } from '../adapters/redis/redis-locks.js';
import { RedisProgressMessages } from '../adapters/redis/redis-progress-messages.js';
import { createSlackProgressSink, logDeliveries, NOTIFIER_CLIENT_OPTIONS } from '../adapters/slack/notifier/index.js';
import { jobHandlers, type JobPipelines } from '../core/jobs/job-handlers.js';
import type { JobRunnerDeps, ProgressSink } from '../core/jobs/run-job.js';
import { ErrorCode, NestorError } from '../core/errors.js';
import type { Locks } from '../core/ports/locks.js';
import { configSet, configUnset } from '../core/release/config-change.js';
import { deploy } from '../core/release/deploy.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from '../core/release/release-deps.js';
import { rollback } from '../core/release/rollback.js';
import { runAdminProcess, runJobOutcome } from '../core/release/run-admin-process.js';
import { shellLine } from '../core/commands/command.js';
import { describeScale, scale } from '../core/release/scale.js';
import type { Env, ProcessSettings } from './bot-settings.js';
import { runUntilSignal } from './run-until-signal.js';
import { reportHandler, reportJobPipeline } from './report-schedule.js';
import { fleetScheduleHandlers } from './fleet-schedules.js';
import { announcer, type Announcer } from './worker-announce.js';
import { publishingDrift } from './worker-drift.js';
import { RedisDriftBoard } from '../adapters/redis/redis-drift-board.js';
import { startWorkerSchedules } from './worker-schedules.js';
import { releaseDeps, runtimeSettings, withImages } from './release-runtime.js';
import { datastorePorts } from '../adapters/datastores/datastore-ports.js';
import { snapshotsFolder } from '../adapters/fs/state-folder.js';
import { datastoreNightlyHandler } from './datastore-schedule.js';
import { datastoreListJobPipeline } from './datastore-list-job.js';
import { runDatastoreJob } from '../core/datastores/datastore-job.js';
import { workflowPipeline } from './workflow-pipeline.js';
import { withCodeHost } from './code-host-runtime.js';
import { retryPendingHistory } from '../core/release/pending-history-retry.js';
import { GitReleaseHistory } from '../adapters/git/git-release-history.js';
import { jobLogSink } from '../adapters/observability/job-log-sink.js';
import { jobMetricsSink } from '../core/jobs/job-metrics.js';
import { NO_METRICS, type Metrics } from '../core/ports/metrics.js';
import { gitRunMetrics, historyPushMetrics, kubeRetryMetrics, slackDeliveryMetrics } from '../adapters/observability/external-metrics.js';
import { countedSlackClient } from '../adapters/observability/slack-call-metrics.js';
import { besideOperations, startOperations } from './operations.js';

const refuse = (message: string): NestorError => new NestorError(ErrorCode.BadInput, message);
/** Who approved a job, for its pipeline's input: the history commit names them. */
const approval = (input: { approvedBy?: string }): { approvedBy?: string } => (input.approvedBy ? { approvedBy: input.approvedBy } : {});

/** The release pipelines a worker runs, bound to `deps`, each announced. */
export function workerPipelines(deps: ReleaseDeps, announce: Announcer): Partial<JobPipelines> {
  const announced = async (ctx: ReleaseContext, run: Promise<ReleaseResult>, approvedBy?: string): Promise<ReleaseResult> => {
    const started = deps.wallClock.now();
    const result = await run.catch((error: unknown) => {
      announce.threw(ctx, error);
      throw error;
    });
    return announce.after(deps, ctx, started, result, approvedBy);
  };
  return {
    deploy: (ctx, input) => {
      if (!input.dryRun) announce.begin(ctx, { app: input.app, env: input.env, ref: input.ref });
      return announced(ctx, deploy(deps, ctx, input), input.approvedBy);
    },
    rollback: (ctx, input) => announced(ctx, rollback(deps, ctx, input), input.approvedBy),
    scale: async (ctx, input) => announced(
      ctx, scale(deps, ctx, { app: input.app, env: input.env, specs: input.specs.map(describeScale), ...approval(input) }), input.approvedBy,
    ),
    configSet: async (ctx, input) => {
      // Secret values are never in job data; this worker takes clear values only (see job-schema.ts).
      if (input.secrets.length > 0) throw refuse('config-set jobs naming secrets are not supported by this worker yet: set secrets with the CLI');
      if (input.group !== undefined && input.group !== 'app') throw refuse(`config-set jobs for the "${input.group}" group are not supported yet`);
      return announced(ctx, configSet(deps, ctx, { app: input.app, env: input.env, variables: input.values, ...approval(input) }), input.approvedBy);
    },
    configUnset: (ctx, input) => announced(ctx, configUnset(deps, ctx, input), input.approvedBy),
    run: async (ctx, { words, ...input }) => runJobOutcome(await runAdminProcess(deps, ctx, { ...input, command: shellLine(words) })),
  };
}

export function workerRunner(
  deps: ReleaseDeps, announce: Announcer, locks: Locks, progress: ProgressSink, logger: Logger, more: Partial<JobPipelines> = {}, position?: (jobId: string) => Promise<number | undefined>,
): JobRunnerDeps {
  return {
    handlers: jobHandlers({ ...workerPipelines(deps, announce), ...more }), locks, progress,
    lock: { ttlMs: 60_000, waitMs: 30 * 60_000, pollMs: 1_000 },
    ...(position ? { position } : {}),
    clock: deps.wallClock,
    onError: (error) => logger.warn({ err: error }, 'job runner error'),
  };
}

export interface WorkerProcess {
  worker: JobWorker;
  /** Its queue consumer runs (taking jobs), for /readyz. */
  consuming(): boolean;
  /** Releases applied but not yet in the history repository, for /metrics. */
  historyWritesPending(): Promise<number>;
  close(): Promise<void>;
  /** Closing was cut short (Redis gone, a job longer than the stop deadline): the jobs still
   * running say in Slack that another worker takes them over, within `ms`. */
  abandon(ms: number): Promise<void>;
}

/** What a job's status message says when its worker stops before the job ends. */
export const LEFT_FOR_ANOTHER_WORKER = 'this worker stopped before the job ended: another worker takes it over';

export function startWorkerProcess(settings: ProcessSettings, env: Env, cwd: string, logger: Logger, metrics: Metrics = NO_METRICS): WorkerProcess {
  const connection = connectRedis(settings.redis, { maxRetriesPerRequest: null });
  connection.on('error', (error: Error) => logger.debug({ err: error.message }, 'redis connection error'));
  const locks = new RedisLocks({ redis: connection });
  const runtime = {
    ...runtimeSettings(cwd, env, { config: settings.configDir, kubeconfig: settings.kubeconfig, history: settings.history }),
    kubeRetry: kubeRetryMetrics(metrics), ...historyPushMetrics(metrics), onGitRun: gitRunMetrics(metrics),
  };
  const stateDir = runtime.stateDir;
  const { deps, deployments } = withCodeHost(withImages({ ...releaseDeps(runtime), locks }, env, metrics), env, logger, metrics);
  const datastores = { ...deps, datastores: datastorePorts({ root: snapshotsFolder(cwd, env, stateDir), clock: deps.wallClock, clusters: deps.clusters }) };
  // Every Slack call counted (by method and outcome); the notifier's own retries through `observe`.
  const client = new WebClient(settings.botToken, countedSlackClient(metrics, { ...NOTIFIER_CLIENT_OPTIONS, ...(settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {}) }));
  const queue = new BullmqJobQueue({ connection });
  // Slack deliveries (progress, announcements, schedules' and the workflow's posts) logged and their retries counted.
  const observe = slackDeliveryMetrics(metrics, logDeliveries(logger));
  const sink = createSlackProgressSink({
    slack: client, messages: new RedisProgressMessages({ redis: connection }),
    observe, onError: (error) => logger.error({ err: error }, 'progress sink error'),
  });
  // Each update counted, then logged on the job's own logger, then shown in Slack.
  const progress = jobMetricsSink(metrics, deps.wallClock, jobLogSink(logger, deps.wallClock, sink));
  // What each release and report tells of its apps' live drift, for the web view.
  const board = new RedisDriftBoard(connection);
  const announce = publishingDrift(announcer(client, logger, deployments, observe), board, deps.wallClock, logger);
  const workflow = workflowPipeline(deps, { branches: deps.branches ?? new GitAppBranches({ cacheDir: join(stateDir, 'workflow-mirrors') }), deliveries: new RedisCiDeliveries({ redis: connection }) }, client, logger, observe);
  const more: Partial<JobPipelines> = { report: reportJobPipeline(deps, connection, client, logger, { observe, board }), ciSuccess: workflow.ciSuccess, datastore: (ctx, input) => runDatastoreJob(datastores, ctx, input),
    datastoreList: datastoreListJobPipeline(datastores, client, logger, observe),
  };
  const runner = { ...workerRunner(deps, announce, locks, progress, logger, more), line: (id: string) => queue.lineOf(id) };
  const tuning = { lockDuration: settings.jobLockMs, stalledInterval: settings.jobLockMs };
  const worker = startJobWorker({ connection, runner, onError: (error) => logger.warn({ err: String(error) }, 'worker error'), tuning });
  const handlers = {
    ...fleetScheduleHandlers(deps, announce, client, logger, observe), report: reportHandler(deps, connection, client, logger, { observe, board }),
    'datastore-nightly': datastoreNightlyHandler(datastores, client, logger, observe),
  };
  const schedules = startWorkerSchedules({ connection, config: deps.config, clock: deps.wallClock, logger, tuning, handlers });
  // What this process applied and could not push yet: counted for /metrics, published by itself.
  const history = deps.history instanceof GitReleaseHistory ? deps.history : undefined;
  const historyRetry = history ? retryPendingHistory({
    pending: () => history.pendingCount(), flush: () => history.flushPending(), clock: deps.clock, everyMs: settings.historyRetryMs,
    onPublished: (pushed) => logger.info({ pushed }, 'history published: releases left pending are in the history repository'),
    onStillPending: (error, pending) => logger.warn({ pending, err: error instanceof Error ? error.message : String(error) }, 'history still pending'),
  }) : undefined;
  return {
    worker,
    consuming: () => worker.worker.isRunning() && !worker.worker.closing,
    historyWritesPending: () => history?.pendingCount() ?? Promise.resolve(0),
    abandon: async (ms) => {
      schedules.abort();
      void historyRetry?.stop();
      sink.interrupt(LEFT_FOR_ANOTHER_WORKER);
      const flushed = new AbortController();
      await Promise.race([sink.flush(), deps.wallClock.sleep(ms, flushed.signal)]);
      flushed.abort();
      sink.close();
    },
    close: async () => {
      await Promise.all([worker.close(), schedules.close(), historyRetry?.stop()]);
      await Promise.all([sink.flush(), announce.settled(), workflow.settled()]);
      await queue.close();
      connection.disconnect();
    },
  };
}

/** `nestor worker`: runs jobs until SIGTERM or SIGINT, then finishes the current ones. */
export function runWorker(io: CliIo): Promise<void> {
  return runUntilSignal('worker', io, async (settings, logger) => {
    // The endpoints come first, for the worker to count into their metrics; they read it once it runs.
    const running: { worker?: WorkerProcess } = {};
    const operations = await startOperations('worker', settings, logger, {
      readiness: [{ name: 'queue consumer', check: () => running.worker?.consuming() ?? false }],
      historyWritesPending: () => running.worker?.historyWritesPending() ?? Promise.resolve(0),
    });
    // The endpoints last until the jobs are finished: /readyz says 503 meanwhile, /metrics counts them.
    const { started, close } = await besideOperations(operations, () => startWorkerProcess(settings, io.env, io.cwd, logger, operations.metrics));
    running.worker = started;
    logger.info({ healthPort: operations.port }, 'worker started');
    return { abandon: (ms) => started.abandon(ms), close };
  }, 'worker stopping: finishing current jobs');
}
