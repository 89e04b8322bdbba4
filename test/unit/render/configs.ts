// Merged configs built directly (the loader is tested on its own), values from DESIGN.md.
import type { MergedConfig } from '../../../src/core/config/schema.js';
import { loadTemplateSet } from '../../../src/adapters/fs/templates.js';
import type { TemplateSet } from '../../../src/core/render/template-set.js';

export const SHA = '3f9c2a1b7d4e5f60718293a4b5c6d7e8f9012345';

let cached: Promise<TemplateSet> | undefined;
export function builtinTemplates(): Promise<TemplateSet> {
  cached ??= loadTemplateSet();
  return cached;
}

export function production(): MergedConfig {
  return {
    project: 'kapten',
    env: 'production',
    domain: 'production.kapten.com',
    docker: { build: { variables: { NPM_TOKEN: 'resolved' } }, registries: { 'docker.com': [{ id: 'docker', organization: 'kapten' }] } },
    deployments: {
      kubernetes: [
        {
          cluster_name: 'kapten_production_eu-w1',
          hpa_replicas: true,
          scales: { web: { minReplicas: 3, maxReplicas: 3 } },
          resources: { web: { limits: { memory: '256Mi', cpu: 0.2 } } },
          nodeSelector: { default: { tier: 'app' } },
        },
      ],
    },
    variables: { ope: { NODE_ENV: 'production', METRICS_DESTINATION: 'metrics.kapten.com' } },
  };
}

export function mary(): MergedConfig {
  const project = production();
  return {
    ...project,
    app: 'mary',
    git: { origin: 'git@github.com:transcovo/mary.git' },
    is_enabled: true,
    resources: { web: { limits: { cpu: 0.2, memory: '250Mi' }, requests: { cpu: 0.2, memory: '250Mi' } } },
    scales: { web: { maxReplicas: 9, minReplicas: 3, targetCPUUtilizationPercentage: 75 } },
    teams: ['security'],
    variables: { ...project.variables, app: {}, ope: { ...project.variables?.['ope'], SENTRY_DSN: '********' } },
    templateVars: {
      tplCriticity: 'high',
      tplTeam: 'security',
      tplWeb2xxThreshold: '0',
      tplWeb50thLatencyThreshold: '0.30',
      tplWeb95thLatencyThreshold: '2',
    },
  };
}

export const MARY_PROCFILE = 'web: node server.js\nworker: node worker.js\nrelease: node migrate.js\n';
export const MARY_CRONFILE = '# purge old rides\n*/5 * * * * node jobs/purge.js\n0 3 * * 1 node jobs/weekly-report.js\n';

/** A worker-only service: no web, so no Service, Ingress; scaled 2..6. */
export function ledger(): MergedConfig {
  return {
    ...production(),
    app: 'ledger',
    processes: { worker: 'node consumer.js', 'dead-letters': 'node dead-letters.js' },
    scales: { worker: { minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60 } },
    secrets: ['DATABASE_URL'],
    variables: { ope: { NODE_ENV: 'production' }, app: { BATCH_SIZE: 500, DRY_RUN: false } },
    anti_affinity: 'node',
  };
}

/** An internal API: web without ingress, reached by other services only. */
export function pricing(): MergedConfig {
  return {
    ...production(),
    app: 'pricing',
    port: 3000,
    processes: { web: 'node api.js' },
    ingress: { enabled: false },
    variables: { app: { CURRENCY: 'EUR' } },
  };
}
