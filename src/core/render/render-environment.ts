// Environment-level objects: the namespace, the global ingress with its nginx, the TLS Secret.
import type { ClusterDeploymentConfig, ProjectFileConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';
import { clustersOf } from './app-scope.js';
import { checkLabelValue, GLOBAL_APP, objectLabels, podLabels, selectorLabels } from './labels.js';
import { stampAndValidate } from './stamp.js';
import type { TemplateSet } from './template-set.js';
import type { ClusterManifests, KubeObject } from './types.js';
import { createHash } from 'node:crypto';

export interface EnvironmentRequest {
  env: string;
  /** The environment's merged project config. */
  config: ProjectFileConfig;
  /** Apps routed by the global nginx at `https://<domain>/<app>/`: those with a web ingress. */
  apps: readonly string[];
  templates: TemplateSet;
  /** Value of the `nestor.io/release` label, e.g. the config commit. */
  release: string;
  /** PEM certificate and key: renders `ingress.tlsSecret` (else it is managed elsewhere, e.g. cert-manager). */
  tls?: { crt: string; key: string };
  nginxImage?: string;
  nginxReplicas?: number;
}

export const GLOBAL_NAME = 'nestor-global';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function renderEnvironment(req: EnvironmentRequest): ClusterManifests[] {
  checkLabelValue('release', req.release);
  if (!DNS_LABEL.test(req.env)) throw new NestorError(ErrorCode.BadInput, `environment name "${req.env}" is not a DNS-1123 label`);
  return clustersOf(req.config).map((cluster) => clusterObjects(req, cluster));
}

function clusterObjects(req: EnvironmentRequest, cluster: ClusterDeploymentConfig): ClusterManifests {
  const namespace = cluster.namespace ?? req.env;
  const labels = (process: string) => objectLabels({ app: GLOBAL_APP, process, env: req.env, release: req.release });
  const render = (template: string, process: string, context: object): KubeObject[] => {
    const namespaceTemplate = template === 'namespace.yaml';
    const l = namespaceTemplate ? objectLabels({ app: undefined, process, env: req.env, release: req.release }) : labels(process);
    return stampAndValidate(req.templates.render(template, { ...context, labels: l }), { namespace, labels: l, namespaceTemplate });
  };
  const objects = render('namespace.yaml', 'namespace', { name: namespace });
  const ingress = req.config.ingress;
  if (req.tls && ingress?.tlsSecret) {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    objects.push(...render('secret-tls.yaml', 'ingress', { name: ingress.tlsSecret, crt: b64(req.tls.crt), key: b64(req.tls.key) }));
  }
  if (req.apps.length > 0 && req.config.domain && ingress?.enabled !== false) {
    objects.push(...globalIngress(req, namespace, req.config.domain, render));
  }
  return { cluster: cluster.cluster_name, context: cluster.context ?? cluster.cluster_name, namespace, objects };
}

type Render = (template: string, process: string, context: object) => KubeObject[];

function globalIngress(req: EnvironmentRequest, namespace: string, domain: string, render: Render): KubeObject[] {
  const apps = [...req.apps].sort();
  for (const name of [...apps, namespace]) {
    if (!DNS_LABEL.test(name)) throw new NestorError(ErrorCode.BadInput, `"${name}" is not a DNS-1123 label`);
  }
  if (!HOST.test(domain)) throw new NestorError(ErrorCode.BadInput, `domain "${domain}" is not a host name`);
  const conf = req.templates.renderText('nginx.conf', {
    environment: req.env, domain, namespace, resolver: 'kube-dns.kube-system.svc.cluster.local',
    apps: apps.map((name) => ({ name, host: `${name}.${domain}` })),
  });
  const ingress = req.config.ingress;
  return [
    ...render('config-map.yaml', 'ingress', { name: GLOBAL_NAME, data: { 'nginx.conf': conf } }),
    ...render('ingress-nginx-global.yaml', 'ingress', {
      name: GLOBAL_NAME, configMapName: GLOBAL_NAME, image: req.nginxImage ?? 'nginx:1.27-alpine',
      replicas: req.nginxReplicas ?? 2, selector: selectorLabels(GLOBAL_APP, 'ingress'),
      podLabels: podLabels(GLOBAL_APP, 'ingress', req.env),
      configHash: createHash('sha256').update(conf).digest('hex').slice(0, 16),
    }),
    ...render('ingress-global.yaml', 'ingress', {
      name: GLOBAL_NAME, host: domain, serviceName: GLOBAL_NAME, className: ingress?.className, tlsSecret: ingress?.tlsSecret,
    }),
  ];
}
