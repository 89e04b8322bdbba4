/** What the simulated controllers share: the store, the scheduler, timing options and helpers. */
import { typeOf } from '../resource-types.js';
import { rfc3339, type ObjectStore } from '../store.js';
import { str, type KubeObject } from '../object-util.js';
import type { TaskScheduler } from './scheduler.js';
import { imageTag, newEvent, shortHash } from './pods.js';

export interface ControllerOptions {
  /** Delay before new pods become ready (or start failing), in ms. Default 50. */
  readyDelayMs: number;
  /** Multiplies `progressDeadlineSeconds` (in ms) so a 600 s deadline takes 600 * 1000 * factor ms. Default 0.001. */
  timeFactor: number;
  /** Images whose tag matches never become ready. Default /fail|bad|crash/. */
  failingImageTag: RegExp;
  /** Among failing tags, those matching this crash-loop rather than fail to pull. Default /crash/. */
  crashLoopTag: RegExp;
  /** Jobs whose image tag matches fail. Default same as `failingImageTag`. */
  failingJobImageTag: RegExp;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  readyDelayMs: 50,
  timeFactor: 0.001,
  failingImageTag: /fail|bad|crash/,
  crashLoopTag: /crash/,
  failingJobImageTag: /fail|bad|crash/,
};

export class ControllerContext {
  private counter = 0;
  private ipCounter = 0;

  constructor(
    readonly store: ObjectStore,
    readonly scheduler: TaskScheduler,
    readonly options: ControllerOptions,
    private readonly clock: () => Date,
  ) {}

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

  isFailingImage(image: string): boolean {
    return this.options.failingImageTag.test(imageTag(image));
  }

  recordEvent(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const namespace = str(involved.metadata.namespace);
    if (namespace === undefined || !this.store.get(typeOf('Namespace'), undefined, namespace)) return;
    const event = newEvent({ involved, type, reason, message, component, now: this.now(), suffix: this.suffix(16) });
    this.store.create(typeOf('Event'), event);
  }
}
