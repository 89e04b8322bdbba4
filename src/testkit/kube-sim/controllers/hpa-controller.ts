/**
 * Simulated HorizontalPodAutoscaler controller: keeps its target Deployment's replicas within
 * minReplicas..maxReplicas (there is no load, so no metric moves it further) and reports current
 * and desired replicas in the HPA's status, as `kubectl get hpa` shows them.
 */
import { typeOf } from '../resource-types.js';
import { getIn, isObject, metaName, num, str, type KubeObject } from '../object-util.js';
import type { StoreEvent } from '../store.js';
import type { ControllerContext } from './context.js';

const HPA = typeOf('HorizontalPodAutoscaler');
const DEPLOYMENT = typeOf('Deployment');

function targetName(hpa: KubeObject): string | undefined {
  const ref = getIn(hpa, ['spec', 'scaleTargetRef']);
  return isObject(ref) && ref.kind === 'Deployment' ? str(ref.name) : undefined;
}

export class HpaController {
  constructor(private readonly ctx: ControllerContext) {}

  onEvent(event: StoreEvent): void {
    if (event.type === 'DELETED') return;
    const namespace = str(event.object.metadata.namespace) ?? '';
    if (event.resource === HPA) this.schedule(namespace, metaName(event.object));
    if (event.resource !== DEPLOYMENT) return;
    const target = metaName(event.object);
    for (const hpa of this.ctx.store.list(HPA, namespace, (h) => targetName(h) === target)) this.schedule(namespace, metaName(hpa));
  }

  private schedule(namespace: string, name: string): void {
    this.ctx.scheduler.schedule(`hpa/${namespace}/${name}/sync`, 0, () => this.sync(namespace, name));
  }

  private sync(namespace: string, name: string): void {
    const hpa = this.ctx.store.get(HPA, namespace, name);
    const target = hpa && targetName(hpa);
    const deployment = target === undefined ? undefined : this.ctx.store.get(DEPLOYMENT, namespace, target);
    if (!hpa || !deployment) return;
    const min = num(getIn(hpa, ['spec', 'minReplicas'])) ?? 1;
    const max = num(getIn(hpa, ['spec', 'maxReplicas'])) ?? min;
    const replicas = num(getIn(deployment, ['spec', 'replicas'])) ?? 1;
    const desired = Math.min(max, Math.max(min, replicas));
    if (desired !== replicas) {
      this.ctx.store.update(DEPLOYMENT, { ...deployment, spec: { ...(isObject(deployment.spec) ? deployment.spec : {}), replicas: desired } });
    }
    const current = num(getIn(deployment, ['status', 'replicas'])) ?? 0;
    const status = { currentReplicas: current, desiredReplicas: desired };
    const live = getIn(hpa, ['status']);
    if (isObject(live) && live.currentReplicas === current && live.desiredReplicas === desired) return;
    this.ctx.store.update(HPA, { ...hpa, status: { ...(isObject(live) ? live : {}), ...status, ...(desired !== replicas ? { lastScaleTime: this.ctx.now() } : {}) } });
  }
}
