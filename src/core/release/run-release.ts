// The heart of every release of a version with the current config (deploy, scale, config
// change): render, diff, apply, prune, wait for the rollout, roll back automatically on
// failure, record in the history.
import { createHash } from 'node:crypto';
import { appConfig, type AppConfig, type MergedConfig } from '../config/index.js';
import { isNestorError, ErrorCode, NestorError } from '../errors.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { ReleaseKind } from '../ports/release-history.js';
import type { ResolvedRef } from '../ports/source-repo.js';
import { renderConfiguredApp, toYaml, type ConfiguredManifests } from '../render/index.js';
import type { ClusterManifests, KubeObject } from '../render/types.js';
import { cancelledRollout, checkNotCancelled } from './cancel.js';
import { autoRollback } from './auto-rollback.js';
import { imageStage } from './image-stage.js';
import { applyCluster, emptyRenderRefusal, failedRollouts, prepareCluster, waitForClusters, type PreparedCluster } from './cluster-steps.js';
import { Stage, countChanges } from './events.js';
import { liveSecretValues, type LiveSecrets } from './live-secrets.js';
import { objectKey } from './diff.js';
import { recordRelease, secretKeysOf, unrecordableSecrets } from './record-release.js';
import { ReleaseOutcome, tuningOf, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { releaseCommandOf, releasePhase } from './release-phase.js';
import { stage } from './stage.js';

export interface RunReleaseInput {
  app: string;
  env: string;
  kind: ReleaseKind;
  loaded: LoadedConfig;
  /** The app's config merged from `loaded`, when the caller has it (one merge per job). */
  merged?: AppConfig;
  version: ResolvedRef;
  /** What ran before (ReleaseResult.previous), when the caller knows. */
  previous?: ReleaseResult['previous'];
  procfile?: string;
  cronfile?: string;
  dryRun?: boolean;
  forceConflicts?: boolean;
  approvedBy?: string;
  /** History commit message; the adapter's default when omitted. */
  message?: string;
}

export function configHash(config: MergedConfig, procfile?: string, cronfile?: string): string {
  return createHash('sha256').update(JSON.stringify({ config, procfile, cronfile })).digest('hex').slice(0, 16);
}

/** The merged config alone, hashed: recorded with a release so that the config now compares with it without the version's files. */
export function configFingerprint(config: MergedConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** The container images of the objects, first seen first. */
function imagesOf(objects: readonly KubeObject[]): string[] {
  return [...new Set([...JSON.stringify(objects).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1] ?? ''))];
}

function baseResult(input: RunReleaseInput, config: MergedConfig): Omit<ReleaseResult, 'outcome' | 'message'> {
  return {
    app: input.app, env: input.env, sha: input.version.sha, ref: input.version.ref, historyPending: false, changes: [], failures: [], diff: '', config,
    ...(input.previous === undefined ? {} : { previous: input.previous }),
  };
}

interface Rendered {
  manifests: ConfiguredManifests;
  /** The Secret read for the values, which the diff need not read again. */
  secretRead?: LiveSecrets['read'];
}

/** Renders with the live secret values; a render holding secrets the history can't record stops here. */
async function renderStage(deps: ReleaseDeps, ctx: ReleaseContext, input: RunReleaseInput, merged: AppConfig): Promise<Rendered> {
  const { app, env, loaded, version } = input;
  return stage(ctx.onEvent, Stage.Render, async () => {
    const secrets = await liveSecretValues(deps.clusters, merged.config, app, env, ctx.onEvent);
    const manifests = renderConfiguredApp({
      tree: loaded.tree, templates: loaded.templates, app, env, environment: deps.environment, merged,
      version: { sha: version.sha, ref: version.ref },
      ...(input.procfile === undefined ? {} : { procfile: input.procfile }),
      ...(input.cronfile === undefined ? {} : { cronfile: input.cronfile }),
      ...(secrets ? { secretValues: secrets.values, secretsVersion: secrets.version } : {}),
    });
    const unrecordable = unrecordableSecrets(deps.history, app, env, secretKeysOf(manifests.clusters.flatMap((c) => c.objects)));
    if (unrecordable && input.dryRun) ctx.onEvent({ type: 'warning', message: unrecordable });
    else if (unrecordable) throw new NestorError(ErrorCode.MissingEnvironmentValue, `nothing was applied: ${unrecordable}`);
    return secrets ? { manifests, secretRead: secrets.read } : { manifests };
  }, ({ manifests: r }) => `${r.clusters.reduce((n, c) => n + c.objects.length, 0)} objects for ${r.clusters.length} cluster(s)`);
}

export async function runRelease(deps: ReleaseDeps, ctx: ReleaseContext, input: RunReleaseInput): Promise<ReleaseResult> {
  const { app, env, loaded, version } = input;
  const merged = input.merged ?? appConfig(loaded.tree, app, env);
  const { manifests: rendered, secretRead } = await renderStage(deps, ctx, input, merged);
  const images = imagesOf(rendered.clusters.flatMap((c) => c.objects));
  const image = images[0];
  await imageStage(deps, ctx, { app, env, sha: version.sha, config: merged.config, pulled: images, ...(input.dryRun ? { dryRun: true } : {}) });
  const prepared = await stage(ctx.onEvent, Stage.Diff, async () => {
    const known = (m: ClusterManifests) => (secretRead?.context === m.context ? new Map([[objectKey(secretRead.secret), secretRead.secret]]) : undefined);
    const all = await Promise.all(rendered.clusters.map((m) => prepareCluster(deps.clusters, m, app, env, known(m))));
    for (const p of all) ctx.onEvent({ type: 'diff', cluster: p.manifests.cluster, changes: p.diff.changes, text: p.diff.text });
    return all;
  }, (all) => countChanges(all.flatMap((p) => p.diff.changes)));
  const result = { ...baseResult(input, merged.config), ...(image ? { image } : {}), changes: prepared.flatMap((p) => p.diff.changes), diff: prepared.map((p) => p.diff.text).join('') };
  if (input.dryRun) {
    for (const refusal of prepared.map(emptyRenderRefusal)) if (refusal) ctx.onEvent({ type: 'warning', message: refusal });
    const release = releaseCommandOf(rendered.config, input.procfile);
    if (release !== undefined && input.kind !== 'scale') ctx.onEvent({ type: 'warning', message: `the release phase (\`${release}\`) does not run in a dry run` });
    return { ...result, outcome: ReleaseOutcome.DryRun, message: `dry run of ${app}@${version.sha.slice(0, 7)} in ${env}: ${countChanges(result.changes)}` };
  }
  checkNotCancelled(ctx);
  // A scale changes no code nor config: Heroku runs no release phase for it either.
  if (input.kind !== 'scale') await releasePhase(deps, ctx, { app, env, rendered, templates: loaded.templates, version, ...(input.procfile === undefined ? {} : { procfile: input.procfile }) });
  await applyAll(ctx, prepared, input.forceConflicts ?? false);
  const failures = await waitAll(deps, ctx, prepared);
  if (failures.length > 0) {
    const approvedBy = input.approvedBy ? { approvedBy: input.approvedBy } : {};
    const rolledBack = await autoRollback(deps, ctx, { app, env, merged, failures, attempted: version, prepared, ...approvedBy });
    return { ...rolledBack, changes: result.changes, diff: result.diff, config: merged.config, ...(input.previous === undefined ? {} : { previous: input.previous }) };
  }
  const history = await stage(ctx.onEvent, Stage.History, () =>
    recordRelease(deps.history, ctx, {
      app, env, kind: input.kind,
      manifestsByCluster: Object.fromEntries(rendered.clusters.map((c) => [c.cluster, toYaml(c.objects)])),
      record: {
        ref: version.ref, sha: version.sha, ...(image ? { image } : {}),
        configHash: configHash(rendered.config, input.procfile, input.cronfile), configFingerprint: configFingerprint(rendered.config),
        user: ctx.user, at: new Date(deps.clock.now()).toISOString(), jobId: ctx.jobId,
        ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
      },
      ...(input.message ? { message: input.message } : {}),
    }), (h) => (h.pending ? 'applied, history pending' : h.commit?.slice(0, 7)));
  const label = `${app}@${version.sha.slice(0, 7)}${version.ref !== version.sha ? ` (${version.ref})` : ''}`;
  return {
    ...result, outcome: ReleaseOutcome.Released, historyPending: history.pending, ...(history.commit ? { commit: history.commit } : {}),
    message: `${input.kind === 'deploy' ? 'deployed' : 'released'} ${label} to ${env}${history.pending ? ' (applied, history pending)' : ''}`,
  };
}

async function applyAll(ctx: ReleaseContext, prepared: PreparedCluster[], force: boolean): Promise<void> {
  await stage(ctx.onEvent, Stage.Apply, async () => {
    const done: string[] = [];
    for (const p of prepared) {
      try {
        await applyCluster(p, { force, onEvent: ctx.onEvent });
        done.push(p.manifests.cluster);
      } catch (error) {
        if (isNestorError(error) && done.length > 0 && error.code !== ErrorCode.Conflict) {
          ctx.onEvent({ type: 'warning', message: `clusters already applied: ${done.join(', ')}` });
        }
        throw error;
      }
    }
  });
}

async function waitAll(deps: ReleaseDeps, ctx: ReleaseContext, prepared: PreparedCluster[]): Promise<string[]> {
  const tuning = tuningOf(deps);
  return stage(ctx.onEvent, Stage.Rollout, async () => {
    try {
      const rollouts = await waitForClusters(prepared, {
        clock: deps.clock,
        pollIntervalMs: tuning.rolloutPollMs, graceMs: tuning.rolloutGraceMs, onEvent: ctx.onEvent,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      return failedRollouts(rollouts);
    } catch (error) {
      if (ctx.signal?.aborted) return [cancelledRollout(ctx)];
      throw error;
    }
  }, () => 'all Deployments available', (f) => f[0]);
}
