// Reads what `compareRelease` compares: a recorded release (the latest, or the one at a history
// commit), a fresh render of its version with the current config, and what is live. Changes
// nothing: no lock, no apply, no history write.
import { appConfig } from '../config/index.js';
import { ErrorCode, NestorError } from '../errors.js';
import { refOf, type KubeObject } from '../ports/cluster.js';
import type { LoadedConfig } from '../ports/config-source.js';
import type { Pin, Release } from '../ports/release-history.js';
import { renderConfiguredApp } from '../render/index.js';
import type { ClusterManifests } from '../render/types.js';
import { appSelector, PRUNABLE_KINDS } from './cluster-steps.js';
import { compareRelease, type ClusterComparison, type ClusterViews } from './compare.js';
import { checkAppAndEnv } from './deploy.js';
import { objectKey } from './diff.js';
import type { ReleaseListener } from './events.js';
import { liveSecretValues } from './live-secrets.js';
import { isSha } from './ref.js';
import type { ReleaseDeps } from './release-deps.js';
import { manifestsOf } from './restore-release.js';

export type DriftDeps = Pick<ReleaseDeps, 'config' | 'source' | 'clusters' | 'history' | 'environment'>;

export interface DriftInput {
  app: string;
  env: string;
  /** A history commit; the latest release when omitted. */
  commit?: string;
}

export interface DriftReport {
  release: Release;
  pin?: Pin;
  clusters: ClusterComparison[];
}

export async function releaseDrift(deps: DriftDeps, input: DriftInput, onEvent: ReleaseListener): Promise<DriftReport> {
  const { app, env, commit } = input;
  checkAppAndEnv(app, env);
  if (commit !== undefined && !isSha(commit)) {
    throw new NestorError(ErrorCode.BadInput, `"${commit}" is not a history commit (expected 7 to 40 hexadecimal characters)`);
  }
  const [loaded, release, pin] = await Promise.all([deps.config.load(), deps.history.get(app, env, commit), deps.history.getPin(app, env)]);
  if (!release) {
    throw new NestorError(ErrorCode.BadInput, commit ? `no release of ${app} in ${env} at history commit ${commit}` : `${app} has no release in ${env} yet`);
  }
  if (release.secretsEncrypted) {
    onEvent({ type: 'warning', message: 'the release holds encrypted Secret values (no NESTOR_HISTORY_KEY): they show as changed' });
  }
  const fresh = await freshRender(deps, loaded, release, onEvent);
  const recorded = manifestsOf(release, new Map(fresh.map((c) => [c.cluster, c.context])), env);
  const freshNames = new Set(fresh.map((c) => c.cluster));
  const sides = [...fresh, ...recorded.filter((c) => !freshNames.has(c.cluster))];
  const views = await Promise.all(sides.map((side) =>
    readViews(deps, app, env, side, recorded.find((c) => c.cluster === side.cluster), fresh.find((c) => c.cluster === side.cluster))));
  return { release, ...(pin ? { pin } : {}), clusters: compareRelease(views) };
}

/** The release's version (Procfile and Cronfile at its commit) rendered with the current config. */
async function freshRender(deps: DriftDeps, loaded: LoadedConfig, release: Release, onEvent: ReleaseListener): Promise<ClusterManifests[]> {
  const { app, env, sha } = release;
  const { config } = appConfig(loaded.tree, app, env);
  const origin = config.git?.origin;
  if (!origin) throw new NestorError(ErrorCode.BadInput, `${app} has no git.origin in its config: cannot read ${sha.slice(0, 7)}'s Procfile`);
  const [procfile, cronfile, secrets] = await Promise.all([
    deps.source.readFile(origin, sha, 'Procfile'),
    deps.source.readFile(origin, sha, 'Cronfile'),
    liveSecretValues(deps.clusters, config, app, env, onEvent),
  ]);
  return renderConfiguredApp({
    tree: loaded.tree, templates: loaded.templates, app, env, environment: deps.environment,
    version: { sha, ...(release.ref ? { ref: release.ref } : {}) },
    ...(procfile === undefined ? {} : { procfile }),
    ...(cronfile === undefined ? {} : { cronfile }),
    ...(secrets ? { secretValues: secrets.values, secretsVersion: secrets.version } : {}),
  }).clusters;
}

/** What is live on the cluster of `side` (the fresh render's, else the recorded one's). */
async function readViews(
  deps: DriftDeps, app: string, env: string, side: ClusterManifests, recorded: ClusterManifests | undefined, fresh: ClusterManifests | undefined,
): Promise<ClusterViews> {
  const cluster = deps.clusters.cluster(side.context);
  const wanted = new Map<string, KubeObject>();
  for (const o of [...(recorded?.objects ?? []), ...(fresh?.objects ?? [])]) wanted.set(objectKey(o), o);
  const [current, owned] = await Promise.all([
    Promise.all([...wanted.values()].map((o) => cluster.get(refOf(o)))),
    cluster.list({ namespace: side.namespace, kinds: PRUNABLE_KINDS, labelSelector: appSelector(app, env) }),
  ]);
  const live = new Map<string, KubeObject>();
  [...wanted.keys()].forEach((key, i) => {
    const found = current[i];
    if (found) live.set(key, found);
  });
  return {
    cluster: side.cluster, recorded: recorded?.objects ?? [], fresh: fresh?.objects ?? [], live,
    owned: owned.filter((o) => o.metadata.labels?.['app'] === app),
  };
}
