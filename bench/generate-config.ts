// A synthetic nestor-config of realistic shape for benchmarks: production, staging and dev
// environments, apps with web/worker/cron processes and per-environment overrides.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigFile } from '../src/core/config/index.js';

export interface GeneratedConfig {
  files: ConfigFile[];
  environments: string[];
  apps: string[];
  /** The process environment the config's `$NAME` values need. */
  processEnv: Record<string, string>;
  /** Values of the secrets the apps name, so every render includes its Secret. */
  secretValues: Record<string, string>;
}

function project(env: string, parent: string | undefined): string {
  return [
    `env: ${env}`,
    parent ? `parent: ${parent}` : 'project: acme',
    `domain: ${env}.acme.test`,
    ...(parent ? [] : ['docker:', '  build: { variables: { NPM_TOKEN: $NPM_TOKEN } }', '  registries: { registry.acme.test: [ { id: main, organization: acme } ] }']),
    'deployments:',
    '  kubernetes:',
    `    - cluster_name: acme-${parent ? 'nonprod' : 'prod'}`,
    `      hpa_replicas: ${parent ? 'false' : 'true'}`,
    `      scales: { default: { minReplicas: ${parent ? 1 : 2}, maxReplicas: ${parent ? 2 : 6} } }`,
    '      resources: { default: { limits: { memory: 256Mi, cpu: 0.2 } } }',
    '      nodeSelector: { default: { tier: app } }',
    'variables:',
    `  ope: { NODE_ENV: ${env === 'production' ? 'production' : 'staging'}, METRICS_DESTINATION: metrics.${env}.acme.test }`,
    '',
  ].join('\n');
}

function app(name: string, i: number): string {
  return [
    `app: ${name}`,
    `git: { origin: git@example.test:acme/${name}.git }`,
    'is_enabled: true',
    'processes:',
    '  web: node server.js',
    '  worker: node worker.js',
    ...(i % 3 === 0 ? ['crons:', '  purge: { schedule: "*/5 * * * *", command: node jobs/purge.js }'] : []),
    'resources:',
    '  web: { limits: { cpu: 0.2, memory: 250Mi }, requests: { cpu: 0.2, memory: 250Mi } }',
    'scales:',
    '  web: { maxReplicas: 9, minReplicas: 3, targetCPUUtilizationPercentage: 75 }',
    'variables:',
    `  app: { SERVICE_NAME: ${name}, FEATURE_A: "true", TIMEOUT_MS: ${1000 + i} }`,
    '  ope: { SENTRY_DSN: "********" }',
    'templateVars: { tplCriticity: high, tplTeam: core }',
    '',
  ].join('\n');
}

export function generateConfig(appCount = 130, envCount = 25): GeneratedConfig {
  const devs = Array.from({ length: Math.max(0, envCount - 2) }, (_, i) => `dev${i + 1}`);
  const environments = ['production', 'staging', ...devs].slice(0, envCount);
  const apps = Array.from({ length: appCount }, (_, i) => `app-${String(i).padStart(3, '0')}`);
  const files: ConfigFile[] = [];
  environments.forEach((env, i) => {
    const parent = i === 0 ? undefined : i === 1 ? 'production' : 'staging';
    files.push({ path: `${env}/project.yaml`, text: project(env, parent) });
  });
  apps.forEach((name, i) => {
    files.push({ path: `production/apps/${name}.yaml`, text: app(name, i) });
    if (environments.includes('staging')) {
      files.push({ path: `staging/apps/${name}.yaml`, text: 'variables:\n  app: { FEATURE_A: "false" }\n' });
    }
    const dev = devs[i % Math.max(1, devs.length)];
    if (dev && environments.includes(dev)) {
      files.push({ path: `${dev}/apps/${name}.yaml`, text: 'processes:\n  worker: null\nvariables:\n  app: { LOG_LEVEL: debug }\n' });
    }
  });
  return { files, environments, apps, processEnv: { NPM_TOKEN: 'bench-npm-token' }, secretValues: { SENTRY_DSN: 'https://key@sentry.acme.test/1' } };
}

/** Writes the config's files under `dir`, as a nestor-config folder. */
export function writeConfigFolder(dir: string, config: GeneratedConfig): void {
  for (const file of config.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
}
