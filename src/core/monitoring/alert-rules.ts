// The alert rules of one app: its thresholds (templateVars) and its environment's metrics
// (project.yaml `monitoring:`) turned into what prometheus-rule.yaml renders.
import type { MergedConfig, MonitoringConfig, TemplateVarsConfig } from '../config/schema.js';

/** ingress-nginx's metrics, which most clusters run; `monitoring:` in project.yaml changes any of them. */
export const MONITORING_DEFAULTS: Required<Omit<MonitoringConfig, 'routing'>> = {
  requests_metric: 'nginx_ingress_controller_requests',
  latency_metric: 'nginx_ingress_controller_request_duration_seconds',
  status_label: 'status',
  selector: { exported_namespace: '{{namespace}}', ingress: '{{app}}' },
};

type Criticity = NonNullable<TemplateVarsConfig['tplCriticity']>;
/** How long a condition lasts before it alerts, and how loud: the more critical the app, the sooner. */
const BY_CRITICITY: Record<Criticity, { for: string; severity: string }> = {
  low: { for: '30m', severity: 'info' },
  medium: { for: '15m', severity: 'warning' },
  high: { for: '5m', severity: 'critical' },
  critical: { for: '2m', severity: 'critical' },
};
const RATE_WINDOW = '5m';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertRuleTarget {
  app: string;
  namespace: string;
  hasWeb: boolean;
}

/** Undefined when the environment has no `monitoring:` section: then no rules are rendered. */
export function alertRules(config: MergedConfig, target: AlertRuleTarget): AlertRule[] | undefined {
  if (config.monitoring === undefined) return undefined;
  const m = { ...MONITORING_DEFAULTS, ...(config.monitoring ?? {}) };
  const tv = config.templateVars ?? {};
  const { for: duration, severity } = BY_CRITICITY[tv.tplCriticity ?? 'medium'];
  const labels: Record<string, string> = { severity, app: target.app, namespace: target.namespace };
  if (tv.tplTeam) labels['team'] = tv.tplTeam;
  const rule = (alert: string, expr: string, summary: string): AlertRule => ({ alert, expr, for: duration, labels, annotations: { summary } });
  const rules: AlertRule[] = [];
  const matchers = selectorOf(m.selector, target);
  const requests = (extra: string) => `sum(rate(${m.requests_metric}{${[matchers, extra].filter(Boolean).join(',')}}[${RATE_WINDOW}]))`;
  if (target.hasWeb && tv.tplWeb2xxThreshold !== undefined) {
    const ratio = Number(tv.tplWeb2xxThreshold);
    rules.push(rule(
      'WebSuccessRatioLow',
      `${requests(`${m.status_label}=~"2.."`)} / ${requests('')} < ${ratio}`,
      `${target.app}: less than ${Math.round(ratio * 10000) / 100}% of web requests succeed (2xx)`,
    ));
  }
  const latency = (quantile: number, threshold: string | number | undefined, alert: string, name: string) => {
    if (!target.hasWeb || threshold === undefined) return;
    const seconds = latencySeconds(threshold);
    rules.push(rule(
      alert,
      `histogram_quantile(${quantile}, sum by (le) (rate(${m.latency_metric}_bucket{${matchers}}[${RATE_WINDOW}]))) > ${seconds}`,
      `${target.app}: ${name} web latency above ${seconds}s`,
    ));
  };
  latency(0.5, tv.tplWeb50thLatencyThreshold, 'WebLatencyP50High', 'median');
  latency(0.95, tv.tplWeb95thLatencyThreshold, 'WebLatencyP95High', 'p95');
  rules.push(rule(
    'PodsCrashLooping',
    `max(kube_pod_container_status_waiting_reason{namespace="${target.namespace}",pod=~"${target.app}-.*",reason="CrashLoopBackOff"}) > 0`,
    `${target.app}: pods are crash-looping`,
  ));
  return rules;
}

function selectorOf(selector: Record<string, string>, target: AlertRuleTarget): string {
  return Object.entries(selector)
    .map(([label, value]) => `${label}="${promqlString(value.replaceAll('{{app}}', target.app).replaceAll('{{namespace}}', target.namespace))}"`)
    .join(',');
}

const promqlString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60 };

/** `0.3`, `"0.30"`, `300ms`, `2s`, `1m` → seconds (the schema has checked the form). */
export function latencySeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const [, amount = '0', unit = 's'] = /^([0-9.]+)(ms|s|m)?$/.exec(value) ?? [];
  return Math.round(Number(amount) * (UNIT_SECONDS[unit] ?? 1) * 1e6) / 1e6;
}
