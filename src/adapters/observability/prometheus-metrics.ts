// The Metrics port on prom-client, in a registry of the process's own (Prometheus naming:
// `nestor_…_total` counters, `_seconds` histograms), beside prom-client's default process
// metrics under the same prefix. What lives in Redis (the queue, pending approvals) is read at
// scrape time, so any process shows the whole fleet's queue; a read that fails or takes too long
// gives NaN (no series for the labelled queue gauge) instead of failing the scrape.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallOutcome, ExternalSystem, Metrics, RolloutOutcome, SlackCallOutcome } from '../../core/ports/metrics.js';

export const METRICS_PREFIX = 'nestor_';

/** The queue's jobs by state, and how long the oldest waiting one has waited. */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** 0 with nothing waiting. */
  oldestWaitingAgeSeconds: number;
}

/** What is read at scrape time; a process without one of them does not export its gauge. */
export interface MetricSources {
  queue?: () => Promise<QueueDepth>;
  approvalsPending?: () => Promise<number>;
  /** Releases this process applied but could not yet push to the history repository. */
  historyWritesPending?: () => Promise<number>;
}

export interface PrometheusMetricsOptions {
  /** A source slower than this is left out of the scrape. Default 2 s. */
  sourceTimeoutMs?: number;
  /** A source that failed (Redis unreachable): the scrape goes on without its gauge. */
  onSourceError?: (source: string, error: unknown) => void;
}

const JOB_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800];
const STEP_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly jobs: Counter<'kind' | 'outcome'>;
  private readonly jobDuration: Histogram<'kind'>;
  private readonly stepDuration: Histogram<'kind' | 'step'>;
  private readonly rollouts: Counter<'outcome'>;
  private readonly errors: Counter<'system' | 'kind'>;
  private readonly retries: Counter<'system' | 'kind'>;
  private readonly slackCalls: Counter<'method' | 'outcome'>;
  private readonly calls: Histogram<'system' | 'operation' | 'outcome'>;

  constructor(sources: MetricSources = {}, private readonly options: PrometheusMetricsOptions = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    this.jobs = new Counter({ name: 'nestor_jobs_total', help: 'Job attempts ended, by kind and outcome (error: failed for good; retrying: failed, tried again).', labelNames: ['kind', 'outcome'], registers });
    this.jobDuration = new Histogram({ name: 'nestor_job_duration_seconds', help: 'Duration of job attempts, by kind.', labelNames: ['kind'], buckets: JOB_BUCKETS, registers });
    this.stepDuration = new Histogram({ name: 'nestor_job_step_duration_seconds', help: 'Duration of job stages (resolve, image, render, diff, apply, rollout, history...).', labelNames: ['kind', 'step'], buckets: STEP_BUCKETS, registers });
    this.rollouts = new Counter({ name: 'nestor_rollouts_total', help: 'Rollouts ended: succeeded, failed, or failed and rolled_back to the last good release.', labelNames: ['outcome'], registers });
    this.errors = new Counter({ name: 'nestor_external_errors_total', help: 'Failed calls to other systems (kubernetes, git, slack, github, registry), by kind of failure.', labelNames: ['system', 'kind'], registers });
    this.retries = new Counter({ name: 'nestor_external_retries_total', help: 'Calls to other systems tried again after a failure, by kind of failure.', labelNames: ['system', 'kind'], registers });
    this.slackCalls = new Counter({ name: 'nestor_slack_calls_total', help: 'HTTP attempts at the Slack Web API (and response_url), by method and outcome (ok, api_error, rate_limited, server, client, network).', labelNames: ['method', 'outcome'], registers });
    this.calls = new Histogram({
      name: 'nestor_external_call_duration_seconds',
      help: 'Calls to other systems, each attempt apart, by system, operation (kubernetes and registry: HTTP method; github: route; slack: Web API method; git: command) and outcome (ok, client, rate_limited, server, network; git: ok, failed).',
      labelNames: ['system', 'operation', 'outcome'], buckets: CALL_BUCKETS, registers,
    });
    if (sources.queue) this.queueGauges(sources.queue);
    if (sources.approvalsPending) this.valueGauge('nestor_approvals_pending', 'Approval requests waiting for a decision (not expired).', sources.approvalsPending);
    if (sources.historyWritesPending) this.valueGauge('nestor_history_writes_pending', 'Releases applied by this process but not yet pushed to the history repository.', sources.historyWritesPending);
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  jobEnded(kind: string, outcome: string, seconds: number): void {
    this.jobs.inc({ kind, outcome });
    this.jobDuration.observe({ kind }, seconds);
  }

  stepEnded(kind: string, step: string, seconds: number): void {
    this.stepDuration.observe({ kind, step }, seconds);
  }

  rolloutEnded(outcome: RolloutOutcome): void {
    this.rollouts.inc({ outcome });
  }

  externalError(system: ExternalSystem, kind: string): void {
    this.errors.inc({ system, kind });
  }

  externalRetry(system: ExternalSystem, kind: string): void {
    this.retries.inc({ system, kind });
  }

  slackCall(method: string, outcome: SlackCallOutcome): void {
    this.slackCalls.inc({ method, outcome });
  }

  externalCall(system: ExternalSystem, operation: string, outcome: CallOutcome, seconds: number): void {
    this.calls.observe({ system, operation, outcome }, seconds);
  }

  private queueGauges(read: () => Promise<QueueDepth>): void {
    // One read per scrape for both gauges (a scrape collects each once): the first starts it, the second takes it.
    let current: Promise<QueueDepth | undefined> | undefined;
    const depth = (): Promise<QueueDepth | undefined> => {
      if (current) {
        const shared = current;
        current = undefined;
        return shared;
      }
      current = this.read('queue', read);
      return current;
    };
    new Gauge({
      name: 'nestor_queue_jobs', help: 'Jobs in the queue by state (waiting, active, delayed, failed), read from Redis.', labelNames: ['state'], registers: [this.registry],
      async collect() {
        const d = await depth();
        this.reset();
        if (d) for (const state of QUEUE_STATES) this.set({ state }, d[state]);
      },
    });
    new Gauge({
      name: 'nestor_queue_oldest_waiting_age_seconds', help: 'How long the oldest waiting job has waited (0 with none), read from Redis.', registers: [this.registry],
      async collect() {
        const d = await depth();
        this.set(d ? d.oldestWaitingAgeSeconds : Number.NaN);
      },
    });
  }

  private valueGauge(name: string, help: string, read: () => Promise<number>): void {
    const value = (): Promise<number | undefined> => this.read(name, read);
    new Gauge({
      name, help, registers: [this.registry],
      async collect() {
        this.set((await value()) ?? Number.NaN);
      },
    });
  }

  private async read<T>(source: string, read: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.options.sourceTimeoutMs ?? 2_000;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
    try {
      return await Promise.race([read(), late]);
    } catch (error) {
      this.options.onSourceError?.(source, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
