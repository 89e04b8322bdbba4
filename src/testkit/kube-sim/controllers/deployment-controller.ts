/**
 * Simulated Deployment controller: creates Pods from the template, makes them ready after a delay,
 * or for a failing image leaves them in ImagePullBackOff/CrashLoopBackOff until the progress
 * deadline passes and the Deployment reports ProgressDeadlineExceeded.
 */
import { typeOf } from '../resource-types.js';
import { getIn, isObject, metaName, num, str, stringMap, type JsonObject, type KubeObject } from '../object-util.js';
import type { StoreEvent } from '../store.js';
import type { ControllerContext } from './context.js';
import { containersOf, failingStatus, newPod, runningStatus, shortHash } from './pods.js';

const DEPLOYMENT = typeOf('Deployment');
const POD = typeOf('Pod');

interface Rollout {
  deployment: KubeObject;
  namespace: string;
  name: string;
  hash: string;
  desired: number;
  pods: KubeObject[];
}

function condition(type: string, status: 'True' | 'False', reason: string, message: string, now: string): JsonObject {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

function isReady(pod: KubeObject): boolean {
  const statuses = getIn(pod, ['status', 'containerStatuses']);
  return Array.isArray(statuses) && statuses.length > 0 && statuses.every((s) => isObject(s) && s.ready === true);
}

export class DeploymentController {
  constructor(private readonly ctx: ControllerContext) {}

  onEvent(event: StoreEvent): void {
    if (event.resource !== DEPLOYMENT || event.type === 'DELETED') return;
    const generation = num(event.object.metadata.generation);
    if (generation === num(getIn(event.object, ['status', 'observedGeneration']))) return;
    const key = this.key(event.object);
    this.ctx.scheduler.schedule(`${key}/sync`, 0, () => this.sync(str(event.object.metadata.namespace) ?? '', metaName(event.object)));
  }

  private key(obj: KubeObject): string {
    return `deployment/${str(obj.metadata.namespace) ?? ''}/${metaName(obj)}`;
  }

  private load(namespace: string, name: string): Rollout | undefined {
    const deployment = this.ctx.store.get(DEPLOYMENT, namespace, name);
    if (!deployment) return undefined;
    const template = getIn(deployment, ['spec', 'template']);
    const hash = shortHash(JSON.stringify(template), 10);
    const pods = this.ctx.store.listOwned(POD, namespace, str(deployment.metadata.uid) ?? '');
    return { deployment, namespace, name, hash, desired: num(getIn(deployment, ['spec', 'replicas'])) ?? 1, pods };
  }

  private current(r: Rollout): KubeObject[] {
    return r.pods.filter((p) => stringMap(p.metadata.labels)['pod-template-hash'] === r.hash);
  }

  /** Observes a new generation: creates or removes pods of the current template and schedules the outcome. */
  private sync(namespace: string, name: string): void {
    const r = this.load(namespace, name);
    if (!r) return;
    const template = getIn(r.deployment, ['spec', 'template']);
    const current = this.current(r);
    for (const extra of current.slice(r.desired)) this.ctx.store.delete(POD, namespace, metaName(extra));
    for (let i = current.length; i < r.desired && isObject(template); i++) {
      this.ctx.store.create(POD, newPod({
        name: `${name}-${r.hash}-${this.ctx.suffix()}`, namespace, template,
        extraLabels: { 'pod-template-hash': r.hash }, owner: r.deployment, now: this.ctx.now(),
      }));
    }
    const failing = containersOf(getIn(template, ['spec'])).some((c) => this.ctx.imageFailure(str(c.image) ?? '') !== undefined);
    const now = this.ctx.now();
    const progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}-${r.hash}" is progressing.`, now);
    this.writeStatus(namespace, name, progressing);
    const key = this.key(r.deployment);
    const { readyDelayMs, timeFactor } = this.ctx.options;
    this.ctx.scheduler.cancel(`${key}/deadline`);
    if (failing) {
      this.ctx.scheduler.schedule(`${key}/outcome`, readyDelayMs, () => this.fail(namespace, name));
      const deadlineSeconds = num(getIn(r.deployment, ['spec', 'progressDeadlineSeconds'])) ?? 600;
      this.ctx.scheduler.schedule(`${key}/deadline`, Math.max(readyDelayMs, deadlineSeconds * 1000 * timeFactor), () => this.deadline(namespace, name, r.hash));
    } else {
      this.ctx.scheduler.schedule(`${key}/outcome`, readyDelayMs, () => this.complete(namespace, name));
    }
  }

  private complete(namespace: string, name: string): void {
    const r = this.load(namespace, name);
    if (!r) return;
    for (const pod of this.current(r).filter((p) => !isReady(p))) {
      this.ctx.store.update(POD, { ...pod, status: runningStatus(pod.spec ?? {}, this.ctx.now(), this.ctx.podIp()) });
    }
    for (const old of r.pods.filter((p) => !this.current(r).includes(p))) this.ctx.store.delete(POD, namespace, metaName(old));
    const now = this.ctx.now();
    this.writeStatus(namespace, name, condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}-${r.hash}" has successfully progressed.`, now));
  }

  private fail(namespace: string, name: string): void {
    const r = this.load(namespace, name);
    if (!r) return;
    const image = containersOf(getIn(r.deployment, ['spec', 'template', 'spec'])).map((c) => str(c.image) ?? '').find((i) => this.ctx.imageFailure(i) !== undefined) ?? '';
    const failure = this.ctx.imageFailure(image) ?? 'ImagePullBackOff';
    const crash = failure === 'CrashLoopBackOff';
    for (const pod of this.current(r)) {
      const status = failingStatus(pod.spec ?? {}, this.ctx.now(), failure, (i) => this.ctx.imageFailure(i) !== undefined);
      const updated = this.ctx.store.update(POD, { ...pod, status });
      if (crash) {
        this.ctx.recordEvent(updated, 'Warning', 'BackOff', `Back-off restarting failed container in pod ${metaName(pod)}`, 'kubelet');
      } else {
        this.ctx.recordEvent(updated, 'Warning', 'Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`, 'kubelet');
        this.ctx.recordEvent(updated, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet');
      }
    }
    this.writeStatus(namespace, name);
  }

  private deadline(namespace: string, name: string, hash: string): void {
    const r = this.load(namespace, name);
    if (!r || r.hash !== hash) return;
    const message = `ReplicaSet "${name}-${hash}" has timed out progressing.`;
    this.writeStatus(namespace, name, condition('Progressing', 'False', 'ProgressDeadlineExceeded', message, this.ctx.now()));
    this.ctx.recordEvent(r.deployment, 'Warning', 'ProgressDeadlineExceeded', message, 'deployment-controller');
  }

  /** Recomputes replica counts from the pods and sets conditions (keeping the other ones). */
  private writeStatus(namespace: string, name: string, progressing?: JsonObject): void {
    const r = this.load(namespace, name);
    if (!r) return;
    const now = this.ctx.now();
    const ready = r.pods.filter(isReady).length;
    const updated = this.current(r).length;
    const maxUnavailable = Math.floor(r.desired * 0.25);
    const available = ready >= Math.max(r.desired - maxUnavailable, r.desired === 0 ? 0 : 1);
    const previous = getIn(r.deployment, ['status', 'conditions']);
    const conditions = (Array.isArray(previous) ? previous.filter(isObject) : []).filter((c) => c.type !== 'Available' && (!progressing || c.type !== 'Progressing'));
    const availableCondition = available
      ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now)
      : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now);
    const status: JsonObject = {
      observedGeneration: num(r.deployment.metadata.generation) ?? 1,
      replicas: r.pods.length,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(r.pods.length - ready > 0 ? { unavailableReplicas: r.pods.length - ready } : {}),
      conditions: [availableCondition, ...conditions, ...(progressing ? [progressing] : [])],
    };
    this.ctx.store.update(DEPLOYMENT, { ...r.deployment, status });
  }
}
