// The hooks through which the adapters' own retry loops report to the Metrics port: the
// Kubernetes client's (every failed attempt, every retry), the Slack notifier's deliveries (its
// calls themselves are counted by slack-call-metrics.ts), the registry check's fetch.
import { performance } from 'node:perf_hooks';
import { CallOutcome, ExternalSystem, httpCallOutcome, type Metrics } from '../../core/ports/metrics.js';
import type { GitRun } from '../git/git-process.js';
import type { KubeRetryPolicy } from '../kube/client/retry.js';
import type { DeliveryObserver } from '../slack/notifier/delivery-report.js';

/** For KubeClusterProvider's `retry`: errors by kind (rate_limited, server, network), retries, and every attempt's duration. */
export function kubeRetryMetrics(metrics: Metrics): Pick<KubeRetryPolicy, 'onFailure' | 'onRetry' | 'onAttempt'> {
  return {
    onFailure: (info) => metrics.externalError(ExternalSystem.Kubernetes, info.kind),
    onRetry: (info) => metrics.externalRetry(ExternalSystem.Kubernetes, info.kind),
    onAttempt: (attempt) => metrics.externalCall(ExternalSystem.Kubernetes, attempt.method, attempt.outcome, attempt.seconds),
  };
}

/** For the git adapters' `onRun`: every git process's duration, by command, ok or failed. */
export function gitRunMetrics(metrics: Metrics): (run: GitRun) => void {
  return (run) => metrics.externalCall(ExternalSystem.Git, run.command, run.ok ? CallOutcome.Ok : CallOutcome.Failed, run.seconds);
}

/**
 * For the history's publishing (release-runtime's settings): a push refused because another writer
 * pushed first, tried again after fetch and rebase, counts an error and a retry `rejected`; a write
 * left pending after its attempts an error of its reason (unreachable, rejected, conflict).
 */
export function historyPushMetrics(metrics: Metrics): { onHistoryPushFailed(reason: string): void; onHistoryPushRetry(): void } {
  return {
    onHistoryPushFailed: (reason) => metrics.externalError(ExternalSystem.Git, reason),
    onHistoryPushRetry: () => {
      metrics.externalError(ExternalSystem.Git, 'rejected');
      metrics.externalRetry(ExternalSystem.Git, 'rejected');
    },
  };
}

/** The kind of a failed delivery the notifier retries, from its report: the kinds slackCallCounter gives the attempt. */
function deliveryRetryKind(report: { reason: 'rate-limited' | 'failed'; code: string }): string {
  if (report.reason === 'rate-limited') return 'rate_limited';
  const status = /^http_(\d+)$/.exec(report.code)?.[1];
  if (status !== undefined) return Number(status) >= 500 ? 'server' : 'client';
  return report.code === 'slack_webapi_request_error' ? 'network' : 'api_error';
}

/**
 * Wraps the notifier's delivery observer: each delivery retried counts a retry (its failed
 * attempt is counted as an error by the WebClient's counting fetch, slack-call-metrics.ts), and a
 * delivery dropped after the bounded retry time an error `gave_up`.
 */
export function slackDeliveryMetrics(metrics: Metrics, next: DeliveryObserver): DeliveryObserver {
  return (report) => {
    if (report.result === 'retry') metrics.externalRetry(ExternalSystem.Slack, deliveryRetryKind(report));
    else if (report.result === 'gave-up') metrics.externalError(ExternalSystem.Slack, 'gave_up');
    next(report);
  };
}

/** The kind of a failed HTTP call from its error's `status` (Octokit's RequestError has one): 429, 5xx, another 4xx, or none. */
export function httpFailureKind(error: unknown): 'rate_limited' | 'server' | 'client' | 'network' {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  if (typeof status !== 'number') return 'network';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server' : 'client';
}

/** For OciRegistry: the failed answers counted as errors (countingFetch), each check tried again as a retry of its kind. */
export function registryMetrics(metrics: Metrics): { fetch: typeof fetch; onRetry(kind: string): void } {
  return { fetch: countingFetch(metrics, ExternalSystem.Registry), onRetry: (kind) => metrics.externalRetry(ExternalSystem.Registry, kind) };
}

/**
 * A fetch that counts, for `system`, the requests that got no answer and the 429 and 5xx answers
 * (the registry check), and times each one until its answer's headers, by method.
 */
export function countingFetch(metrics: Metrics, system: ExternalSystem, fetchFn: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toLowerCase();
    const start = performance.now();
    try {
      const response = await fetchFn(input, init);
      metrics.externalCall(system, method, httpCallOutcome(response.status), (performance.now() - start) / 1000);
      if (response.status === 429 || response.status >= 500) metrics.externalError(system, response.status === 429 ? 'rate_limited' : 'server');
      return response;
    } catch (error) {
      metrics.externalCall(system, method, CallOutcome.Network, (performance.now() - start) / 1000);
      metrics.externalError(system, 'network');
      throw error;
    }
  };
}
