/**
 * The `scale` subresource of Deployments (`kubectl scale`, an HPA's writes): an autoscaling/v1
 * Scale object read from the Deployment, whose `spec.replicas` is written back to it. The
 * writer becomes the manager of `.spec.replicas`, so a later apply that sets it conflicts, as
 * on the API server.
 */
import { apiErrors } from './api-error.js';
import { getIn, isObject, str, stringMap, type KubeObject } from './object-util.js';

export const SCALE_SUBRESOURCE = 'scale';
export const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;

function selectorText(deployment: KubeObject): string {
  const labels = stringMap(getIn(deployment, ['spec', 'selector', 'matchLabels']));
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The Scale view of a Deployment. */
export function scaleOf(deployment: KubeObject): KubeObject {
  const metadata = Object.fromEntries(
    (['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const).flatMap((k) => (deployment.metadata[k] === undefined ? [] : [[k, deployment.metadata[k]]])),
  ) as KubeObject['metadata'];
  const replicas = getIn(deployment, ['spec', 'replicas']);
  const current = getIn(deployment, ['status', 'replicas']);
  return {
    apiVersion: `${SCALE_KIND.group}/${SCALE_KIND.version}`,
    kind: SCALE_KIND.kind,
    metadata,
    spec: { replicas: typeof replicas === 'number' ? replicas : 1 },
    status: { replicas: typeof current === 'number' ? current : 0, selector: selectorText(deployment) },
  };
}

/** The Deployment with the replicas of `scale` (refused unless they are a whole number from 0). */
export function withScale(deployment: KubeObject, scale: unknown): KubeObject {
  const replicas = isObject(scale) ? getIn(scale as KubeObject, ['spec', 'replicas']) : undefined;
  const name = str(deployment.metadata.name) ?? '';
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw apiErrors.invalid('Scale', 'autoscaling', name, [
      { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, field: 'spec.replicas' },
    ]);
  }
  return { ...deployment, spec: { ...(isObject(deployment.spec) ? deployment.spec : {}), replicas } };
}
