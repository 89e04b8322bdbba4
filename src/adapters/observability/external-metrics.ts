// The hooks through which the adapters' own retry loops report to the Metrics port: the
// Kubernetes client's (every failed attempt, every retry) and the Slack notifier's deliveries.
import { ExternalSystem, type Metrics } from '../../core/ports/metrics.js';
import type { RetryPolicy } from '../kube/client/retry.js';
import type { DeliveryObserver } from '../slack/notifier/delivery-report.js';

/** For KubeClusterProvider's `retry`: errors by kind (rate_limited, server, network), and retries. */
export function kubeRetryMetrics(metrics: Metrics): Pick<RetryPolicy, 'onFailure' | 'onRetry'> {
  return {
    onFailure: (info) => metrics.externalError(ExternalSystem.Kubernetes, info.kind),
    onRetry: (info) => metrics.externalRetry(ExternalSystem.Kubernetes, info.kind),
  };
}

/**
 * Wraps the notifier's delivery observer: a retry counts an error and a retry (rate_limited or
 * failed), a message Slack refused for good an error `refused`, one dropped after the bounded
 * retry time an error `gave_up`.
 */
export function slackDeliveryMetrics(metrics: Metrics, next: DeliveryObserver): DeliveryObserver {
  return (report) => {
    if (report.result === 'retry') {
      const kind = report.reason === 'rate-limited' ? 'rate_limited' : 'failed';
      metrics.externalError(ExternalSystem.Slack, kind);
      metrics.externalRetry(ExternalSystem.Slack, kind);
    } else if (report.result === 'dropped') metrics.externalError(ExternalSystem.Slack, 'refused');
    else if (report.result === 'gave-up') metrics.externalError(ExternalSystem.Slack, 'gave_up');
    next(report);
  };
}
