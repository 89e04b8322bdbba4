/** Simulated Job controller: one pod per completion; the Job completes, or fails when one of its images is marked crashing or missing. */
import { typeOf } from '../resource-types.js';
import { getIn, isObject, metaName, num, str, type JsonObject, type KubeObject } from '../object-util.js';
import type { StoreEvent } from '../store.js';
import type { ControllerContext } from './context.js';
import { containersOf, finishedStatus, newPod } from './pods.js';

const JOB = typeOf('Job');
const POD = typeOf('Pod');

function condition(type: string, reason: string, message: string, now: string): JsonObject {
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message };
}

export class JobController {
  constructor(private readonly ctx: ControllerContext) {}

  onEvent(event: StoreEvent): void {
    if (event.resource !== JOB || event.type !== 'ADDED') return;
    const namespace = str(event.object.metadata.namespace) ?? '';
    const name = metaName(event.object);
    this.ctx.scheduler.schedule(`job/${namespace}/${name}/start`, 0, () => this.start(namespace, name));
  }

  private start(namespace: string, name: string): void {
    const job = this.ctx.store.get(JOB, namespace, name);
    const template = getIn(job, ['spec', 'template']);
    if (!job || !isObject(template)) return;
    const pod = this.ctx.store.create(POD, newPod({
      name: `${name}-${this.ctx.suffix()}`, namespace, template, owner: job, now: this.ctx.now(),
      extraLabels: { 'job-name': name, 'batch.kubernetes.io/job-name': name, 'controller-uid': str(job.metadata.uid) ?? '' },
    }));
    this.ctx.store.update(JOB, { ...job, status: { startTime: this.ctx.now(), active: 1, ready: 0 } });
    this.ctx.scheduler.schedule(`job/${namespace}/${name}/finish`, this.ctx.options.readyDelayMs, () => this.finish(namespace, name, pod));
  }

  private failing(job: KubeObject): boolean {
    const images = containersOf(getIn(job, ['spec', 'template', 'spec'])).map((c) => str(c.image) ?? '');
    return images.some((image) => this.ctx.imageFailure(image) !== undefined);
  }

  private finish(namespace: string, name: string, pod: KubeObject): void {
    const job = this.ctx.store.get(JOB, namespace, name);
    if (!job) return;
    const succeeded = !this.failing(job);
    const now = this.ctx.now();
    const livePod = this.ctx.store.get(POD, namespace, metaName(pod));
    if (livePod) this.ctx.store.update(POD, { ...livePod, status: finishedStatus(livePod.spec ?? {}, now, succeeded) });
    const completions = num(getIn(job, ['spec', 'completions'])) ?? 1;
    const backoffLimit = num(getIn(job, ['spec', 'backoffLimit'])) ?? 6;
    const started = str(getIn(job, ['status', 'startTime'])) ?? now;
    const status: JsonObject = succeeded
      ? {
        startTime: started, completionTime: now, succeeded: completions, active: 0, ready: 0,
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
          condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
        ],
      }
      : {
        startTime: started, failed: backoffLimit + 1, active: 0, ready: 0,
        conditions: [
          condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now),
          condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now),
        ],
      };
    this.ctx.store.update(JOB, { ...job, status });
    const reason = succeeded ? 'Completed' : 'BackoffLimitExceeded';
    const message = succeeded ? 'Job completed' : 'Job has reached the specified backoff limit';
    this.ctx.recordEvent(job, succeeded ? 'Normal' : 'Warning', reason, message, 'job-controller');
  }
}
