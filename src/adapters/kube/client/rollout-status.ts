// A Deployment's rollout state by the rules of `kubectl rollout status` (DeploymentStatusViewer).
import type { DeploymentCondition, KubeObject, ObjectRef, RolloutStatus } from '../../../core/ports/cluster.js';

const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function conditionsOf(status: Record<string, unknown>): DeploymentCondition[] {
  const list = Array.isArray(status['conditions']) ? status['conditions'] : [];
  return list.map(record).map((c) => ({
    type: String(c['type'] ?? ''),
    status: String(c['status'] ?? ''),
    ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
    ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
    ...(typeof c['lastUpdateTime'] === 'string' ? { lastUpdateTime: c['lastUpdateTime'] } : {}),
  }));
}

function podSelectorOf(spec: Record<string, unknown>): string | undefined {
  const labels = record(record(spec['selector'])['matchLabels']);
  const parts = Object.entries(labels).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** The rollout state of a live Deployment. */
export function rolloutStatusOf(ref: ObjectRef, deployment: KubeObject): RolloutStatus {
  const spec = record(deployment['spec']);
  const status = record(deployment['status']);
  const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const replicas = {
    desired, updated: count(status['updatedReplicas']), ready: count(status['readyReplicas']), available: count(status['availableReplicas']),
  };
  const podSelector = podSelectorOf(spec);
  const common = {
    ref, conditions: conditionsOf(status), replicas,
    progressDeadlineSeconds: typeof spec['progressDeadlineSeconds'] === 'number' ? spec['progressDeadlineSeconds'] : DEFAULT_PROGRESS_DEADLINE_SECONDS,
    ...(podSelector !== undefined ? { podSelector } : {}),
    ...(typeof deployment.metadata['resourceVersion'] === 'string' ? { resourceVersion: deployment.metadata['resourceVersion'] } : {}),
  };
  const name = ref.name;
  const generation = count(deployment.metadata['generation']);
  if (typeof status['observedGeneration'] !== 'number' || generation > status['observedGeneration']) {
    return { ...common, state: 'progressing', message: `Waiting for deployment "${name}" spec update to be observed` };
  }
  const progressing = common.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { ...common, state: 'failed', reason: 'ProgressDeadlineExceeded', message: progressing.message ?? `deployment "${name}" exceeded its progress deadline` };
  }
  const total = count(status['replicas']);
  if (replicas.updated < desired) {
    return { ...common, state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${replicas.updated} out of ${desired} new replicas have been updated` };
  }
  if (total > replicas.updated) {
    return { ...common, state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${total - replicas.updated} old replicas are pending termination` };
  }
  if (replicas.available < replicas.updated) {
    return { ...common, state: 'progressing', message: `Waiting for deployment "${name}" rollout to finish: ${replicas.available} of ${replicas.updated} updated replicas are available` };
  }
  return { ...common, state: 'available', message: `deployment "${name}" successfully rolled out` };
}
