// Scripted rollouts for the in-memory cluster: per Deployment name or image pattern, progressing
// for some polls and then available or failed (with the events a real cluster would show).
import type { KubeEvent, KubeObject, ObjectRef, RolloutStatus } from '../../../core/ports/cluster.js';
import { rolloutStatusOf } from '../../../adapters/kube/client/rollout-status.js';

export type FakeRollout =
  | { outcome: 'available'; afterPolls?: number }
  /** Never finishes: for deadline tests. */
  | { outcome: 'progressing' }
  | { outcome: 'failed'; afterPolls?: number; reason?: string; message?: string; events?: { reason: string; message: string }[] };

type Recorder = (namespace: string, event: Omit<KubeEvent, 'count'>) => void;

const keyOf = (ref: ObjectRef): string => `${ref.namespace ?? ''}/${ref.name}`;

function imagesOf(deployment: KubeObject): string[] {
  const spec = deployment['spec'] as { template?: { spec?: { containers?: { image?: unknown }[] } } } | undefined;
  return (spec?.template?.spec?.containers ?? []).map((c) => (typeof c.image === 'string' ? c.image : ''));
}

function condition(type: string, status: string, reason: string, message: string): Record<string, string> {
  return { type, status, reason, message };
}

export class FakeRollouts {
  private readonly rules: { match: string | RegExp; rollout: FakeRollout }[] = [];
  private readonly polls = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(private readonly record: Recorder) {}

  /** Later rules win over earlier ones. */
  set(match: string | RegExp, rollout: FakeRollout): void {
    this.rules.unshift({ match, rollout });
  }

  /** A Deployment was changed: its rollout starts again. */
  changed(ref: ObjectRef): void {
    this.polls.set(keyOf(ref), 0);
    this.reported.delete(keyOf(ref));
  }

  status(ref: ObjectRef, deployment: KubeObject | undefined): RolloutStatus {
    if (!deployment) {
      return {
        ref, state: 'failed', reason: 'NotFound', message: `Deployment ${ref.namespace ?? ''}/${ref.name} does not exist`, conditions: [],
        replicas: { desired: 0, updated: 0, ready: 0, available: 0 }, progressDeadlineSeconds: 600,
      };
    }
    const polls = (this.polls.get(keyOf(ref)) ?? 0) + 1;
    this.polls.set(keyOf(ref), polls);
    const rollout = this.ruleFor(deployment);
    const spec = (deployment['spec'] ?? {}) as { replicas?: number };
    const desired = spec.replicas ?? 1;
    const done = rollout.outcome !== 'progressing' && polls > (rollout.afterPolls ?? 0);
    const base = { observedGeneration: 0, replicas: desired, updatedReplicas: desired };
    let status: Record<string, unknown>;
    if (!done) {
      status = { ...base, readyReplicas: 0, availableReplicas: 0, conditions: [condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${ref.name}" is progressing.`)] };
    } else if (rollout.outcome === 'available') {
      status = { ...base, readyReplicas: desired, availableReplicas: desired, conditions: [
        condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
        condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${ref.name}" has successfully progressed.`)] };
    } else {
      status = { ...base, readyReplicas: 0, availableReplicas: 0, conditions: this.fail(ref, deployment, rollout) };
    }
    return rolloutStatusOf(ref, { ...deployment, status });
  }

  private fail(ref: ObjectRef, deployment: KubeObject, rollout: Extract<FakeRollout, { outcome: 'failed' }>): Record<string, string>[] {
    const reason = rollout.reason ?? 'ProgressDeadlineExceeded';
    const message = rollout.message ?? `ReplicaSet "${ref.name}" has timed out progressing.`;
    if (!this.reported.has(keyOf(ref))) {
      this.reported.add(keyOf(ref));
      const image = imagesOf(deployment)[0] ?? '';
      const events = rollout.events ?? [{ reason: 'Failed', message: `Failed to pull image "${image}"` }, { reason: 'Failed', message: 'Error: ImagePullBackOff' }];
      for (const e of [...events, { reason, message }]) this.record(ref.namespace ?? 'default', { type: 'Warning', ...e, involved: ref });
    }
    return [
      condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      condition('Progressing', 'False', reason, message),
    ];
  }

  private ruleFor(deployment: KubeObject): FakeRollout {
    const images = imagesOf(deployment);
    const rule = this.rules.find(({ match }) => (typeof match === 'string' ? match === deployment.metadata.name : images.some((i) => match.test(i))));
    return rule?.rollout ?? { outcome: 'available' };
  }
}
