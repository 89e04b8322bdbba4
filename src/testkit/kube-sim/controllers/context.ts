/** What the simulated controllers share: the store, the scheduler, timing options and helpers. */
import { typeOf } from '../resource-types.js';
import { rfc3339, type ObjectStore } from '../store.js';
import { str, type KubeObject } from '../object-util.js';
import type { PodLogBook } from '../pod-log-book.js';
import type { TaskScheduler } from './scheduler.js';
import { imageTag, newEvent, shortHash, type PodFailure } from './pods.js';

export interface ControllerOptions {
  /** Delay before new pods become ready (or start failing), in ms. Default 50. */
  readyDelayMs: number;
  /** Multiplies `progressDeadlineSeconds` (in ms) so a 600 s deadline takes 600 * 1000 * factor ms. Default 0.001. */
  timeFactor: number;
  /**
   * Images whose containers crash at start (CrashLoopBackOff; a Job with one fails). Each entry is
   * a whole reference (`registry/org/app:tag`) or a bare tag (a commit sha), compared exactly:
   * nothing fails because of what its tag happens to contain. Default none.
   */
  crashingImages: string[];
  /** Images the registry does not have (ImagePullBackOff; a Job with one fails), matched the same way. Default none. */
  missingImages: string[];
  /**
   * How a Job's pod ends, asked when it would finish (after `readyDelayMs`): a test does the
   * Job's work here (pushes the image a build Job builds), or makes it fail with a log. Undefined,
   * or answering undefined: the pod succeeds with an empty log, unless an image is marked
   * crashing or missing. A hook that throws fails the pod, its message as the log.
   */
  jobRunner?: JobRunner;
}

/** What a Job's pod did: its exit, and what it printed (served as the pod's log). */
export interface JobRun {
  succeeded: boolean;
  log?: string;
  /** The container's exit code; given, it decides (0 succeeds, any other fails, as the kubelet says). Default: 0 or 1 by `succeeded`. */
  exitCode?: number;
}
export type JobRunner = (job: KubeObject) => JobRun | undefined | Promise<JobRun | undefined>;

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  readyDelayMs: 50,
  timeFactor: 0.001,
  crashingImages: [],
  missingImages: [],
};

/** Whether `image` is one of `entries`: the same reference, or the same tag. */
export function listsImage(entries: readonly string[], image: string): boolean {
  return entries.includes(image) || entries.includes(imageTag(image));
}

export class ControllerContext {
  /** What pods printed, by `<namespace>/<pod>`: the logs the API serves. */
  readonly podLogs: PodLogBook;
  private counter = 0;
  private ipCounter = 0;

  constructor(
    readonly store: ObjectStore,
    readonly scheduler: TaskScheduler,
    readonly options: ControllerOptions,
    private readonly clock: () => Date,
    podLogs: PodLogBook,
  ) {
    this.podLogs = podLogs;
  }

  now(): string {
    return rfc3339(this.clock());
  }

  /** A deterministic, name-like suffix. */
  suffix(length = 5): string {
    this.counter++;
    return shortHash(`suffix-${this.counter}`, length);
  }

  podIp(): string {
    this.ipCounter++;
    return `10.244.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter % 250) + 2}`;
  }

  /** How pods of `image` fail, if they do. */
  imageFailure(image: string): PodFailure | undefined {
    if (listsImage(this.options.crashingImages, image)) return 'CrashLoopBackOff';
    if (listsImage(this.options.missingImages, image)) return 'ImagePullBackOff';
    return undefined;
  }

  recordEvent(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const namespace = str(involved.metadata.namespace);
    if (namespace === undefined || !this.store.get(typeOf('Namespace'), undefined, namespace)) return;
    const event = newEvent({ involved, type, reason, message, component, now: this.now(), suffix: this.suffix(16) });
    this.store.create(typeOf('Event'), event);
  }
}
