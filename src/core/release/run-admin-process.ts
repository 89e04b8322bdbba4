// `run <app> <env> [--process P] -- <command>`: an admin process (Heroku's `heroku run`, the
// twelve-factor admin process) as a one-off Job in the image, config and secrets of the release
// that runs now, read from the history (not from the branch head nor the config as it is now):
// a migration runs against the code and settings it migrates for.
import { appConfig } from '../config/index.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { JobOutcome } from '../ports/job-queue.js';
import { renderJob } from '../render/render-job.js';
import { configuredConfig } from '../render/render-configured-app.js';
import { deploymentOf, logTail, runAppJob, runIdOf, withReleaseContainer, type AppJobEnd } from './app-job.js';
import { FIELD_MANAGER } from './cluster-steps.js';
import { checkAppAndEnv } from './deploy.js';
import { Stage } from './events.js';
import type { ReleaseContext, ReleaseDeps } from './release-deps.js';
import { manifestsOf } from './restore-release.js';
import { stage } from './stage.js';

export interface RunAdminInput {
  app: string;
  env: string;
  /** The process whose Deployment gives the container (resources, env); default `web`, else the first. */
  process?: string;
  /** A shell line, run as Procfile commands are. */
  command: string;
  approvedBy?: string;
}

export const RunOutcome = { Succeeded: 'succeeded', Failed: 'failed' } as const;
export type RunOutcome = (typeof RunOutcome)[keyof typeof RunOutcome];

export interface RunAdminResult {
  outcome: RunOutcome;
  app: string;
  env: string;
  /** `Job dev3/mary-run-1a2b3c4d5e`. */
  job: string;
  /** The command's exit code; undefined when it never ended (stopped, timed out, its pod lost). */
  exitCode?: number;
  /** The release whose image and config it ran in. */
  sha: string;
  /** The last lines of its log. */
  logTail: string[];
  /** One line for a user. */
  message: string;
}

const DEFAULT_DEADLINE_SECONDS = 3600;
/** Lines of the log a result keeps (Slack shows them). */
export const RUN_LOG_TAIL = 20;
export const RUN_TASK = 'run';

export async function runAdminProcess(deps: ReleaseDeps, ctx: ReleaseContext, input: RunAdminInput): Promise<RunAdminResult> {
  const { app, env, command } = input;
  checkAppAndEnv(app, env);
  if (command.trim() === '') throw new NestorError(ErrorCode.BadInput, 'run needs a command, e.g. `nestor run mary dev3 -- node scripts/migrate.js`');
  const { job, context, sha, deadline } = await stage(ctx.onEvent, Stage.Resolve, async () => {
    const loaded = await deps.config.load();
    const merged = appConfig(loaded.tree, app, env);
    const config = configuredConfig(merged, deps.environment);
    if (config.run?.allowed === false) {
      throw new NestorError(ErrorCode.NotAuthorized, `one-off processes are not allowed for ${app} in ${env} (run.allowed: false in its config)`);
    }
    const release = await deps.history.get(app, env);
    if (!release) throw new NestorError(ErrorCode.BadInput, `${app} has no release in ${env}: deploy it before running a process in it`);
    const clusters = manifestsOf(release, new Map((config.deployments?.kubernetes ?? []).map((c) => [c.cluster_name, c.context ?? c.cluster_name])), env);
    const configured = (config.deployments?.kubernetes ?? []).map((c) => c.cluster_name);
    // A one-off process runs once: on the first cluster of the environment the release is on.
    const target = clusters.find((c) => configured.includes(c.cluster)) ?? clusters[0];
    if (!target) throw new NestorError(ErrorCode.BadInput, `the latest release of ${app} in ${env} holds no manifests`);
    const deadline = config.run?.deadline_seconds ?? DEFAULT_DEADLINE_SECONDS;
    const rendered = renderJob({
      app, env, config, templates: loaded.templates, version: { sha: release.sha, ...(release.ref ? { ref: release.ref } : {}) },
      task: RUN_TASK, command, runId: runIdOf(ctx.jobId), activeDeadlineSeconds: deadline,
      ...(configured.includes(target.cluster) ? { cluster: target.cluster } : {}),
    });
    const job = withReleaseContainer(rendered.objects[0]!, target.objects, deploymentOf(target.objects, app, input.process));
    return { job, context: target.context, sha: release.sha, deadline };
  }, (r) => `in the release of ${r.sha.slice(0, 7)}: Job ${r.job.metadata.namespace}/${r.job.metadata.name}`);
  const end = await stage(ctx.onEvent, Stage.Run, () => runAppJob(deps.clusters.cluster(context), job, {
    clock: deps.clock, fieldManager: FIELD_MANAGER, timeoutMs: (deadline + 120) * 1000,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onLog: (lines) => ctx.onEvent({ type: 'log', lines }),
  }), (e) => `exit code ${e.exitCode ?? 0}`, (e) => (e.state === 'complete' ? undefined : endLine(e)));
  if (end.state === 'stopped') throw new NestorError(ErrorCode.Cancelled, `${endLine(end)}: \`${command}\` did not finish`);
  return resultOf(input, sha, end);
}

function endLine(end: AppJobEnd): string {
  switch (end.state) {
    case 'complete':
      return `${end.job} ended with exit code ${end.exitCode ?? 0}`;
    case 'failed':
      return end.exitCode === undefined ? `${end.job} failed: ${end.reason}${end.message ? ` (${end.message})` : ''}` : `${end.job} failed with exit code ${end.exitCode}`;
    case 'stopped':
      return `${end.job} was stopped (and deleted)`;
    case 'timed-out':
      return `${end.job} did not end in time (deleted)`;
  }
}

function resultOf(input: RunAdminInput, sha: string, end: AppJobEnd): RunAdminResult {
  const ok = end.state === 'complete';
  const exitCode = end.exitCode ?? (ok ? 0 : undefined);
  return {
    outcome: ok ? RunOutcome.Succeeded : RunOutcome.Failed, app: input.app, env: input.env, job: end.job, sha,
    logTail: logTail(end.log, RUN_LOG_TAIL),
    message: `\`${input.command}\` in ${input.app}@${sha.slice(0, 7)} (${input.env}): ${endLine(end)}`,
    ...(exitCode === undefined ? {} : { exitCode }),
  };
}

/** A queued run's outcome (Slack, the shell): the result's line, then the end of its log as a code block. */
export function runJobOutcome(result: RunAdminResult): JobOutcome {
  const tail = result.logTail.map((l) => l.replace(/```/g, "'''"));
  const log = tail.length > 0 ? `\nthe end of its log:\n\`\`\`\n${tail.join('\n')}\n\`\`\`` : '\nit printed nothing';
  return { outcome: result.outcome, message: `${result.message}${log}`, sha: result.sha };
}
