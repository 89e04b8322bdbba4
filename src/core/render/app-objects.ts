// The objects of one app on one cluster, each rendered from its template and validated.
import { ErrorCode, NestorError } from '../errors.js';
import { alertRoute } from '../monitoring/alert-routing.js';
import { alertRules } from '../monitoring/alert-rules.js';
import { shellCommand, type CronTask } from './app-inputs.js';
import { labelsOf, type AppScope } from './app-scope.js';
import { podLabels, selectorLabels } from './labels.js';
import { processSettings, type ProcessSettings } from './process-settings.js';
import { stampAndValidate } from './stamp.js';
import type { KubeObject } from './types.js';

const SERVICE_PORT = 80;
const CONFIG_PROCESS = 'config';

/** The template context shared by every object of a scope, built once per scope. */
const commonByScope = new WeakMap<AppScope, Record<string, unknown>>();

/**
 * Contexts are built with Object.assign, not with `{ ...a, b, ...c }`: V8 (Node 20) builds such
 * spreads of differently shaped objects through a slow path, a few µs per object.
 */
function render(scope: AppScope, template: string, process: string, context: object): KubeObject[] {
  const labels = labelsOf(scope, process);
  const full: Record<string, unknown> = Object.assign({}, common(scope));
  full['process'] = process;
  full['labels'] = labels;
  const rendered = scope.templates.render(template, Object.assign(full, context));
  return stampAndValidate(rendered, { namespace: scope.namespace, labels });
}

function common(scope: AppScope): Record<string, unknown> {
  let shared = commonByScope.get(scope);
  if (shared === undefined) {
    shared = {
      app: scope.app, environment: scope.env, namespace: scope.namespace, release: scope.release, sha: scope.sha,
      image: scope.image, project: scope.config.project, domain: scope.config.domain,
      configMapName: scope.app, secretName: scope.secretName,
    };
    commonByScope.set(scope, shared);
  }
  return shared;
}

/** Container parts shared by Deployments, CronJobs and Jobs. */
export function podContext(
  scope: AppScope, process: string, command: string, settings: ProcessSettings = processSettings(scope.config, scope.cluster, process),
): Record<string, unknown> {
  return {
    command: shellCommand(command),
    env: scope.containerEnv,
    resources: settings.resources,
    nodeSelector: settings.nodeSelector,
    podLabels: podLabels(scope.app, process, scope.env),
    podAnnotations: { 'nestor.io/config-hash': scope.vars.hash },
    selector: selectorLabels(scope.app, process),
  };
}

export function processObjects(scope: AppScope, process: string, command: string): KubeObject[] {
  const settings = processSettings(scope.config, scope.cluster, process);
  const name = `${scope.app}-${process}`;
  const isWeb = process === 'web';
  const objects = render(scope, 'deployment.yaml', process, Object.assign(podContext(scope, process, command, settings), {
    name, isWeb, port: scope.port, replicas: settings.replicas, progressDeadlineSeconds: 600,
    labels: Object.assign(labelsOf(scope, process), monitoringLabels(scope)),
    annotations: monitoringAnnotations(scope, isWeb),
    antiAffinityNode: scope.antiAffinity === 'node', antiAffinityZone: scope.antiAffinity === 'zone',
  }));
  if (isWeb) objects.push(...webObjects(scope));
  if (settings.hpa) {
    objects.push(...render(scope, 'hpa.yaml', process, Object.assign({ name, targetName: name }, settings.hpa)));
  }
  return objects;
}

function webObjects(scope: AppScope): KubeObject[] {
  const selector = selectorLabels(scope.app, 'web');
  const objects = render(scope, 'service.yaml', 'web', { name: scope.app, port: SERVICE_PORT, targetPort: scope.port, selector });
  const ingress = scope.config.ingress;
  if (ingress?.enabled === false) return objects;
  if (!ingress?.host && !scope.config.domain) {
    throw new NestorError(ErrorCode.RenderFailed, `${scope.app}: web needs an ingress host: set domain (project.yaml) or ingress.host`);
  }
  return objects.concat(
    render(scope, 'ingress-app.yaml', 'web', {
      name: scope.app, host: ingress?.host ?? `${scope.app}.${scope.config.domain ?? ''}`,
      className: ingress?.className, tlsSecret: ingress?.tlsSecret,
      serviceName: scope.app, servicePort: SERVICE_PORT,
    }),
  );
}

export function cronObjects(scope: AppScope, cron: CronTask): KubeObject[] {
  return render(scope, 'cronjob.yaml', cron.name, Object.assign(podContext(scope, cron.name, cron.command), {
    name: `${scope.app}-${cron.name}`, schedule: cron.schedule,
    annotations: { 'nestor.io/command': cron.command },
  }));
}

export function configMapObjects(scope: AppScope): KubeObject[] {
  return render(scope, 'config-map.yaml', CONFIG_PROCESS, { name: scope.app, data: scope.vars.data });
}

/** Built in code, not from a template: secret values must never pass through one. */
export function secretObject(scope: AppScope, values: Record<string, string>): KubeObject {
  const missing = scope.vars.secretNames.filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new NestorError(ErrorCode.RenderFailed, `no value for secret(s) ${missing.join(', ')}`);
  const data: Record<string, string> = {};
  for (const k of scope.vars.secretNames) data[k] = Buffer.from(values[k] ?? '', 'utf8').toString('base64');
  const labels = labelsOf(scope, CONFIG_PROCESS);
  const [secret] = stampAndValidate(
    { template: 'Secret (built by Nestor)', docs: [{ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: scope.secretName }, data }] },
    { namespace: scope.namespace, labels },
  );
  return secret as KubeObject;
}

function monitoringLabels(scope: AppScope): Record<string, string> {
  const tv = scope.config.templateVars ?? {};
  const labels: Record<string, string> = {};
  if (tv.tplTeam) labels['nestor.io/team'] = tv.tplTeam;
  if (tv.tplCriticity) labels['nestor.io/criticity'] = tv.tplCriticity;
  return labels;
}

function monitoringAnnotations(scope: AppScope, isWeb: boolean): Record<string, string> | undefined {
  const tv = scope.config.templateVars ?? {};
  const a: Record<string, string> = {};
  if (tv.tplCriticity) a['nestor.io/criticity'] = tv.tplCriticity;
  if (tv.tplTeam) a['nestor.io/team'] = tv.tplTeam;
  if (scope.config.teams?.length) a['nestor.io/teams'] = scope.config.teams.join(',');
  if (isWeb && tv.tplWeb2xxThreshold !== undefined) a['nestor.io/web-2xx-threshold'] = String(tv.tplWeb2xxThreshold);
  if (isWeb && tv.tplWeb50thLatencyThreshold !== undefined) a['nestor.io/web-50th-latency-threshold'] = String(tv.tplWeb50thLatencyThreshold);
  if (isWeb && tv.tplWeb95thLatencyThreshold !== undefined) a['nestor.io/web-95th-latency-threshold'] = String(tv.tplWeb95thLatencyThreshold);
  return Object.keys(a).length > 0 ? a : undefined;
}

/** The app's PrometheusRule, when its environment has a `monitoring:` section, and its AlertmanagerConfig when that has `routing:`. */
export function alertRuleObjects(scope: AppScope, hasWeb: boolean): KubeObject[] {
  const rules = alertRules(scope.config, { app: scope.app, namespace: scope.namespace, hasWeb });
  if (rules === undefined) return [];
  const objects = render(scope, 'prometheus-rule.yaml', 'web', { name: scope.app, rules });
  const route = alertRoute(scope.config);
  if (route === undefined) return objects;
  return objects.concat(render(scope, 'alertmanager-config.yaml', 'web', {
    name: scope.app, receiver: route.receiver, channel: route.channel, webhookSecret: route.webhook.secret, webhookKey: route.webhook.key,
  }));
}
