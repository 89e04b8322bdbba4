// The image stage of a release: every image of the commit must be in its registry before
// anything is applied. A missing one is built when `docker.build` is configured (the release
// waits, saying so); otherwise the release stops here, nothing applied.
import type { MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';
import { shortVersion } from '../images/app-images.js';
import { checkImages } from '../images/missing-images.js';
import { imageName } from '../ports/image-registry.js';
import { NO_IMAGE_BUILDS } from '../ports/image-builds.js';
import { Stage } from './events.js';
import type { ReleaseContext, ReleaseDeps } from './release-deps.js';
import { stage } from './stage.js';

export interface ImageStageInput {
  app: string;
  env: string;
  sha: string;
  config: MergedConfig;
  /** The images the rendered manifests pull. */
  pulled: readonly string[];
  /** A dry run checks and says what is missing, and builds nothing. */
  dryRun?: boolean;
}

export async function imageStage(deps: ReleaseDeps, ctx: ReleaseContext, input: ImageStageInput): Promise<void> {
  const { registry } = deps;
  if (input.pulled.length === 0) return;
  if (!registry) {
    ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'skipped', message: `${input.pulled.join(', ')} (not checked against the registry)` });
    return;
  }
  await stage(ctx.onEvent, Stage.Image, async () => {
    const sources = { environment: deps.environment, clusters: deps.clusters };
    const check = await checkImages(registry, sources, input);
    const first = check.missing[0];
    if (!first) return `${check.images.map((i) => imageName(i.ref)).join(', ')} in the registry`;
    const missing = `${imageName(first.ref)} is not in registry ${first.ref.registry}`;
    if (input.dryRun) {
      ctx.onEvent({ type: 'warning', message: `${missing}: a deploy would ${input.config.docker?.build ? 'build it first' : 'fail (no image build is configured)'}` });
      return `${missing}`;
    }
    if (!input.config.docker?.build) {
      throw new NestorError(ErrorCode.ImageUnavailable, `${missing} and no image build is configured (docker.build in project.yaml): nothing was applied`);
    }
    const outcome = await (deps.builds ?? NO_IMAGE_BUILDS).ensure(input.app, input.sha, {
      env: input.env,
      onProgress: (line) => ctx.onEvent({ type: 'stage', stage: Stage.Image, status: 'started', message: line }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (outcome.state === 'not-configured') throw new NestorError(ErrorCode.ImageUnavailable, `${missing} and ${outcome.reason}: nothing was applied`);
    return `${outcome.state === 'built' ? 'built' : 'found'} ${shortVersion(input.app, input.sha)}: ${outcome.image}`;
  }, (message) => message);
}
