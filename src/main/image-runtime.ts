// The image ports of a process that releases (the worker, the CLI): the OCI registry check and
// builds as Kubernetes Jobs, claimed through the process's locks (Redis for workers). The
// setting NESTOR_IMAGES=off leaves them out: releases then name their image without checking
// it (a registry this process cannot reach, a demo).
import { registryMetrics } from '../adapters/observability/external-metrics.js';
import { OciRegistry } from '../adapters/registry/oci-registry.js';
import { ErrorCode, NestorError } from '../core/errors.js';
import { JobImageBuilds } from '../core/images/job-image-builds.js';
import type { Metrics } from '../core/ports/metrics.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';

export const IMAGES_SETTING = 'NESTOR_IMAGES';

/** `metrics`: the worker's, counting the registry's failed answers and the checks' retries. */
export function withImages(deps: ReleaseDeps, env: Readonly<Record<string, string | undefined>>, metrics?: Metrics): ReleaseDeps {
  const setting = env[IMAGES_SETTING] ?? 'check';
  if (setting === 'off') return deps;
  if (setting !== 'check') throw new NestorError(ErrorCode.BadInput, `${IMAGES_SETTING} is "${setting}": expected check (the default) or off`);
  const registry = new OciRegistry(metrics ? registryMetrics(metrics) : {});
  const builds = new JobImageBuilds({
    config: deps.config, clusters: deps.clusters, locks: deps.locks, registry, clock: deps.wallClock, environment: deps.environment,
    ...(env.NESTOR_BUILD_ENV ? { defaultEnv: env.NESTOR_BUILD_ENV } : {}),
  });
  return { ...deps, registry, builds };
}
