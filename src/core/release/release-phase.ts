// Heroku's release phase: the Procfile's `release:` command (a migration, say) runs as a one-off
// Job in the new release's image and config before anything of that release is applied. It
// fails: the release stops there, its log's end told, nothing applied nor recorded. Only the
// environment's Namespace may be created first, for a first release: the Job runs in it.
import { ErrorCode, NestorError } from '../errors.js';
import { refOf } from '../ports/cluster.js';
import type { ResolvedRef } from '../ports/source-repo.js';
import { RELEASE_PROCESS } from '../render/app-inputs.js';
import { parseProcfile } from '../render/procfile.js';
import { renderJob } from '../render/render-job.js';
import type { ConfiguredManifests } from '../render/render-configured-app.js';
import type { TemplateSet } from '../render/template-set.js';
import { logTail, runAppJob, runIdOf, withReleaseContainer, type AppJobEnd } from './app-job.js';
import { FIELD_MANAGER } from './cluster-steps.js';
import { Stage } from './events.js';
import type { ReleaseContext, ReleaseDeps } from './release-deps.js';
import { stage } from './stage.js';

export interface ReleasePhaseInput {
  app: string;
  env: string;
  rendered: ConfiguredManifests;
  templates: TemplateSet;
  version: ResolvedRef;
  procfile?: string;
}

/** Lines of a failed release phase's log told with its failure. */
export const RELEASE_LOG_TAIL = 5;
const DEADLINE_SECONDS = 3600;

/** The release command: the Procfile's `release:` line, else `processes.release`; a `null` there switches it off. */
export function releaseCommandOf(config: ConfiguredManifests['config'], procfile: string | undefined): string | undefined {
  const configured = config.processes?.[RELEASE_PROCESS];
  if (configured === null) return undefined;
  return (procfile === undefined ? undefined : parseProcfile(procfile)[RELEASE_PROCESS]) ?? configured;
}

/** Runs the release phase when the release has one; throws (ReleasePhaseFailed, Cancelled) when it did not complete. */
export async function releasePhase(deps: ReleaseDeps, ctx: ReleaseContext, input: ReleasePhaseInput): Promise<void> {
  const { app, env, rendered, version } = input;
  const command = releaseCommandOf(rendered.config, input.procfile);
  if (command === undefined) return;
  await stage(ctx.onEvent, Stage.ReleasePhase, async () => {
    const manifests = renderJob({
      app, env, config: rendered.config, templates: input.templates, version: { sha: version.sha, ref: version.ref },
      task: RELEASE_PROCESS, command, runId: runIdOf(ctx.jobId), activeDeadlineSeconds: DEADLINE_SECONDS,
    });
    const objects = rendered.clusters.find((c) => c.cluster === manifests.cluster)?.objects ?? [];
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    const job = withReleaseContainer(manifests.objects[0]!, objects, deployments.find((d) => d.metadata.labels?.['process'] === 'web') ?? deployments[0]);
    const cluster = deps.clusters.cluster(manifests.context);
    const namespace = objects.find((o) => o.kind === 'Namespace');
    if (namespace && !(await cluster.get(refOf(namespace)))) await cluster.apply([namespace], { fieldManager: FIELD_MANAGER });
    const end = await runAppJob(cluster, job, {
      clock: deps.clock, fieldManager: FIELD_MANAGER, timeoutMs: (DEADLINE_SECONDS + 120) * 1000, ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (end.state !== 'complete') throw failure(app, version, command, end);
    return end;
  }, (end) => `\`${command}\` completed (${end.job})`);
}

function failure(app: string, version: ResolvedRef, command: string, end: AppJobEnd): NestorError {
  const what = `the release phase of ${app}@${version.sha.slice(0, 7)} (\`${command}\`, ${end.job})`;
  if (end.state === 'stopped') return new NestorError(ErrorCode.Cancelled, `${what} was stopped: nothing of the release was applied`);
  const how = end.state === 'timed-out' ? `did not end within ${DEADLINE_SECONDS} s (deleted)`
    : end.state === 'failed' && end.exitCode === undefined ? `failed (${end.reason})` : `failed with exit code ${end.exitCode ?? 1}`;
  const tail = logTail(end.log, RELEASE_LOG_TAIL);
  const log = tail.length > 0 ? `; the end of its log: ${tail.join(' | ')}` : '; its pod left no log';
  return new NestorError(ErrorCode.ReleasePhaseFailed, `${what} ${how}${log}. Nothing of the release was applied`);
}
