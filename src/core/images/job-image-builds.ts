// ImageBuilds as Kubernetes Jobs: one build per app and commit, whoever asks. The first to take
// the claim `image-build:<app>:<sha>` (a lock of the shared store: Redis across workers) applies
// the build's Secret and Job; everyone else finds the Job's name in the claim and waits on the
// same Job. The Job runs in the cluster whatever happens to the process that started it; the
// claim lapses after the build's deadline, or is freed when the build ends.
import { appConfig } from '../config/app-config.js';
import type { ConfigTree } from '../config/config-tree.js';
import type { Environment } from '../config/resolve-references.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterProvider } from '../ports/cluster.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { ImageBuildOptions, ImageBuildOutcome, ImageBuilds } from '../ports/image-builds.js';
import { imageName, type ImageRegistry } from '../ports/image-registry.js';
import type { Locks } from '../ports/locks.js';
import { shortVersion } from './app-images.js';
import { BUILD_FIELD_MANAGER, buildJob } from './build-job.js';
import { watchBuild, type BuildWatch } from './watch-build.js';
import { checkImages } from './missing-images.js';

export interface JobImageBuildsDeps {
  config: ConfigSource;
  clusters: ClusterProvider;
  locks: Locks;
  registry: ImageRegistry;
  clock: Clock;
  environment: Environment;
  /** Whose project.yaml a request naming no environment reads (default: the root environment, without parent). */
  defaultEnv?: string;
  /** Between two reads of the Job. Default 2 s. */
  pollMs?: number;
  /** How long a Job that a claim names may take to appear before the claim counts as abandoned. Default 60 s. */
  startGraceMs?: number;
}

/** A build may run this long (the Job's activeDeadlineSeconds); its claim lives a minute more. */
export const BUILD_DEADLINE_SECONDS = 3600;

function rootEnvironment(tree: ConfigTree): string {
  const roots = [...tree.environments.values()].filter((e) => e.parent === undefined).map((e) => e.name).sort();
  if (!roots[0]) throw new NestorError(ErrorCode.ConfigInvalid, 'no environment in nestor-config to read docker settings from');
  return roots[0];
}

interface JobPlace {
  context: string;
  namespace: string;
  name: string;
}

/** What a claim holds: where the build's Job is, `<namespace>/<name>@<context>`. */
function claimId(place: JobPlace): string {
  return `${place.namespace}/${place.name}@${place.context}`;
}

function parseClaimId(id: string): JobPlace {
  const match = /^([^/]+)\/([^@]+)@(.+)$/.exec(id);
  if (!match) throw new NestorError(ErrorCode.Internal, `the image build claim holds "${id}", not a Job's place`);
  return { namespace: match[1] ?? '', name: match[2] ?? '', context: match[3] ?? '' };
}

export class JobImageBuilds implements ImageBuilds {
  constructor(private readonly deps: JobImageBuildsDeps) {}

  async ensure(app: string, sha: string, options: ImageBuildOptions = {}): Promise<ImageBuildOutcome> {
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new NestorError(ErrorCode.BadInput, `"${sha}" is not a full commit sha: an image is built for one commit`);
    const loaded = await this.deps.config.load();
    const env = options.env ?? this.deps.defaultEnv ?? rootEnvironment(loaded.tree);
    const config = appConfig(loaded.tree, app, env).config;
    const sources = { environment: this.deps.environment, clusters: this.deps.clusters };
    const before = await checkImages(this.deps.registry, sources, { config, app, env, sha });
    const first = before.images[0];
    if (!first) throw new NestorError(ErrorCode.ConfigInvalid, `no docker registry configured for ${env} (docker.registries in project.yaml)`);
    if (before.missing.length === 0) return { state: 'exists', image: imageName(first.ref) };
    if (!config.docker?.build) return { state: 'not-configured', reason: `no image build is configured for ${app} in ${env} (docker.build in project.yaml)` };
    const job = buildJob({ app, env, config, sha, templates: loaded.templates, environment: this.deps.environment, runId: `${sha.slice(0, 7)}-${this.deps.clock.now().toString(36)}` });
    const key = `image-build:${app}:${sha}`;
    const mine = { context: job.context, namespace: job.namespace, name: job.name };
    const claim = await this.deps.locks.acquire(key, { id: claimId(mine), user: 'nestor', operation: `image build of ${shortVersion(app, sha)}` }, (BUILD_DEADLINE_SECONDS + 60) * 1000);
    // A build asked from another environment may run in another namespace, or cluster.
    const where = claim.held ? mine : parseClaimId(claim.by.id);
    const name = where.name;
    const cluster = this.deps.clusters.cluster(where.context);
    const progress = options.onProgress ?? (() => undefined);
    try {
      if (claim.held) {
        await cluster.apply(job.objects, { fieldManager: BUILD_FIELD_MANAGER, ...(options.signal ? { signal: options.signal } : {}) });
        progress(`building the image of ${shortVersion(app, sha)} (job ${name})`);
      } else {
        progress(`waiting for the image build of ${shortVersion(app, sha)} (job ${name}, started by another request)`);
      }
      const watch: BuildWatch = { cluster, namespace: where.namespace, name, clock: this.deps.clock, pollMs: this.deps.pollMs ?? 2_000, startGraceMs: this.deps.startGraceMs ?? 60_000 };
      await watchBuild(watch, { label: shortVersion(app, sha), onProgress: progress, ...(options.signal ? { signal: options.signal } : {}) });
    } finally {
      if (claim.held) await claim.release();
    }
    const after = await checkImages(this.deps.registry, sources, { config, app, env, sha });
    const still = after.missing[0];
    if (still) throw new NestorError(ErrorCode.ImageUnavailable, `the image build of ${shortVersion(app, sha)} (job ${name}) completed, but ${imageName(still.ref)} is not in registry ${still.ref.registry}`);
    return { state: 'built', image: imageName(first.ref) };
  }
}
