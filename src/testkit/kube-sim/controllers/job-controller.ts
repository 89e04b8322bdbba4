/**
 * Simulated Job controller: one pod (labelled with the Job's name and uid, which the Job's
 * selector matches, as the API server defaults it); the Job completes, or fails when one of its
 * images is marked crashing or missing, or as the test's `jobRunner` says, with the log it gives.
 */
import { typeOf } from '../resource-types.js';
import { getIn, isObject, metaName, num, str, type JsonObject, type KubeObject } from '../object-util.js';
import type { StoreEvent } from '../store.js';
import type { ControllerContext, JobRun } from './context.js';
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
    const uid = str(job.metadata.uid) ?? '';
    const pod = this.ctx.store.create(POD, newPod({
      name: `${name}-${this.ctx.suffix()}`, namespace, template, owner: job, now: this.ctx.now(),
      extraLabels: { 'job-name': name, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'batch.kubernetes.io/controller-uid': uid },
    }));
    const spec = isObject(job.spec) ? job.spec : {};
    const selector = spec.selector ?? { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    this.ctx.store.update(JOB, { ...job, spec: { ...spec, selector }, status: { startTime: this.ctx.now(), active: 1, ready: 0 } });
    this.ctx.scheduler.schedule(`job/${namespace}/${name}/finish`, this.ctx.options.readyDelayMs, () => this.finish(namespace, name, pod));
  }

  private failing(job: KubeObject): boolean {
    const images = containersOf(getIn(job, ['spec', 'template', 'spec'])).map((c) => str(c.image) ?? '');
    return images.some((image) => this.ctx.imageFailure(image) !== undefined);
  }

  /** Without a `jobRunner`, at once: the images' marks decide. With one, when its answer comes. */
  private finish(namespace: string, name: string, pod: KubeObject): void {
    const job = this.ctx.store.get(JOB, namespace, name);
    if (!job) return;
    const runner = this.ctx.options.jobRunner;
    const fallback = { succeeded: !this.failing(job) };
    if (!runner) return this.complete(namespace, name, pod, fallback);
    void Promise.resolve().then(() => runner(job)).then(
      (run) => this.complete(namespace, name, pod, run ?? fallback),
      (error: unknown) => this.complete(namespace, name, pod, { succeeded: false, log: error instanceof Error ? error.message : String(error) }),
    );
  }

  private complete(namespace: string, name: string, pod: KubeObject, run: JobRun): void {
    // A container that exits 0 succeeds, any other code fails it: the kubelet's rule.
    const succeeded = run.exitCode === undefined ? run.succeeded : run.exitCode === 0;
    const { log } = run;
    const job = this.ctx.store.get(JOB, namespace, name);
    if (!job) return;
    // After what a test appended while it ran; its container ends, and with it the follows of its log.
    const key = `${namespace}/${metaName(pod)}`;
    this.ctx.podLogs.append(key, log ?? '');
    const now = this.ctx.now();
    const livePod = this.ctx.store.get(POD, namespace, metaName(pod));
    if (livePod) this.ctx.store.update(POD, { ...livePod, status: finishedStatus(livePod.spec ?? {}, now, succeeded, run.exitCode) });
    this.ctx.podLogs.endFollows(key, false);
    const completions = num(getIn(job, ['spec', 'completions'])) ?? 1;
    const backoffLimit = num(getIn(job, ['spec', 'backoffLimit'])) ?? 6;
    const startTime = str(getIn(job, ['status', 'startTime'])) ?? now;
    const status: JsonObject = succeeded
      ? {
        startTime, completionTime: now, succeeded: completions, active: 0, ready: 0,
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
          condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', now),
        ],
      }
      : {
        startTime, failed: backoffLimit + 1, active: 0, ready: 0,
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
