/** The simulated controllers and the handle tests use to drive them deterministically. */
import { PodLogBook } from '../pod-log-book.js';
import type { ObjectStore } from '../store.js';
import { ControllerContext, DEFAULT_CONTROLLER_OPTIONS, type ControllerOptions } from './context.js';
import { DeploymentController } from './deployment-controller.js';
import { HpaController } from './hpa-controller.js';
import { JobController } from './job-controller.js';
import { TaskScheduler, type ClockMode } from './scheduler.js';

export interface ControllersHandle {
  readonly options: ControllerOptions;
  /** Runs all pending controller work now (including progress deadlines), until nothing is left. */
  settle(): Promise<void>;
  /** Manual clock only: runs the work due within `ms` of simulated time. */
  advance(ms: number): Promise<void>;
  /** Number of pending controller tasks. */
  readonly pending: number;
  /** What a pod printed (a Job's pod: what its `jobRunner` said); undefined when there is no such pod log. */
  podLog(namespace: string, pod: string): string | undefined;
}

export class SimulatedControllers implements ControllersHandle {
  private readonly scheduler: TaskScheduler;
  private readonly ctx: ControllerContext;
  private readonly unsubscribe: () => void;
  readonly options: ControllerOptions;

  constructor(store: ObjectStore, options: Partial<ControllerOptions>, clock: ClockMode, now: () => Date, readonly logs = new PodLogBook(now)) {
    this.options = { ...DEFAULT_CONTROLLER_OPTIONS, ...options };
    this.scheduler = new TaskScheduler(clock);
    const ctx = new ControllerContext(store, this.scheduler, this.options, now, logs);
    this.ctx = ctx;
    const deployments = new DeploymentController(ctx);
    const jobs = new JobController(ctx);
    const autoscalers = new HpaController(ctx);
    this.unsubscribe = store.subscribe((event) => {
      deployments.onEvent(event);
      jobs.onEvent(event);
      autoscalers.onEvent(event);
    });
  }

  get pending(): number {
    return this.scheduler.pending;
  }

  podLog(namespace: string, pod: string): string | undefined {
    return this.ctx.podLogs.get(`${namespace}/${pod}`);
  }

  async settle(): Promise<void> {
    this.scheduler.settle();
  }

  async advance(ms: number): Promise<void> {
    this.scheduler.advance(ms);
  }

  close(): void {
    this.unsubscribe();
    this.scheduler.close();
  }
}
