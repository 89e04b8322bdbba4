import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderEnvironment } from '../../../src/core/render/render-environment.js';
import { renderJob } from '../../../src/core/render/render-job.js';
import { toYaml } from '../../../src/core/render/to-yaml.js';
import type { KubeObject } from '../../../src/core/render/types.js';
import { builtinTemplates, mary, MARY_PROCFILE, production, SHA } from './configs.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking rendered JSON in assertions
const spec = (o: KubeObject | undefined): any => o?.['spec'];

describe('renderEnvironment', () => {
  it('renders the namespace without an app label, the global nginx and its ingress', async () => {
    const config = { ...production(), ingress: { tlsSecret: 'kapten-tls', className: 'nginx' } };
    const [m] = renderEnvironment({
      env: 'production', config, apps: ['pricing', 'mary'], templates: await builtinTemplates(), release: 'cfg-1a2b3c',
      tls: { crt: '-----BEGIN CERTIFICATE-----', key: '-----BEGIN PRIVATE KEY-----' },
    });
    const objects = m?.objects ?? [];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/production', 'Secret/kapten-tls', 'ConfigMap/nestor-global', 'Deployment/nestor-global',
      'Service/nestor-global', 'Ingress/nestor-global',
    ]);
    expect(objects[0]?.metadata.labels).not.toHaveProperty('app');
    expect(objects[0]?.metadata).not.toHaveProperty('namespace');
    for (const o of objects.slice(1)) expect(o.metadata.labels).toMatchObject({ app: 'nestor.global', 'nestor.io/release': 'cfg-1a2b3c' });
    const conf = (objects[2]?.['data'] as Record<string, string>)['nginx.conf'] ?? '';
    expect(conf).toContain('location /mary/ {');
    expect(conf).toContain('set $upstream pricing.production.svc.cluster.local;');
    expect(conf.indexOf('/mary/')).toBeLessThan(conf.indexOf('/pricing/'));
    expect(spec(objects[5])).toMatchObject({ tls: [{ hosts: ['production.kapten.com'], secretName: 'kapten-tls' }] });
    expect(objects[1]?.['type']).toBe('kubernetes.io/tls');
  });

  it('renders only the namespace when no app is exposed', async () => {
    const [m] = renderEnvironment({ env: 'dev3', config: production(), apps: [], templates: await builtinTemplates(), release: 'r1' });
    expect(m?.objects.map((o) => o.kind)).toEqual(['Namespace']);
    expect(m?.namespace).toBe('dev3');
  });

  it('refuses a name that would go into nginx.conf unchecked', async () => {
    const templates = await builtinTemplates();
    expect(() => renderEnvironment({ env: 'production', config: production(), apps: ['x;evil'], templates, release: 'r1' })).toThrow(
      '"x;evil" is not a DNS-1123 label',
    );
  });
});

describe('renderJob', () => {
  it('renders the release task of the Procfile as a one-off Job on the first cluster', async () => {
    const m = renderJob({
      app: 'mary', env: 'production', config: mary(), version: { sha: SHA }, templates: await builtinTemplates(),
      procfile: MARY_PROCFILE, task: 'release', runId: '42',
    });
    expect(m.cluster).toBe('kapten_production_eu-w1');
    const [job] = m.objects;
    expect(job?.metadata.name).toBe('mary-release-42');
    expect(job?.metadata.labels).toMatchObject({ app: 'mary', process: 'release' });
    expect(spec(job)).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(spec(job).template.spec.containers[0].command).toEqual(['/bin/sh', '-c', 'exec node migrate.js']);
    expect(spec(job).template.spec.containers[0].image).toBe(`docker.com/kapten/mary:${SHA}`);
  });

  it('runs a given command and refuses an unknown cluster or a task without command', async () => {
    const base = { app: 'mary', env: 'production', config: mary(), version: { sha: SHA }, templates: await builtinTemplates(), runId: 'a1' };
    const m = renderJob({ ...base, task: 'datastore-reset', command: 'node scripts/reset.js && node scripts/seed.js' });
    expect(spec(m.objects[0]).template.spec.containers[0].command[2]).toBe('node scripts/reset.js && node scripts/seed.js');
    expect(() => renderJob({ ...base, task: 'datastore-reset', command: 'x', cluster: 'nope' })).toThrow('cluster nope is not configured');
    expect(() => renderJob({ ...base, task: 'release' })).toThrow('no command for task release');
  });
});

describe('toYaml', () => {
  it('orders keys (apiVersion, kind, metadata first) and quotes what YAML 1.1 would read as numbers', () => {
    const obj = { spec: { b: 1, a: 2 }, metadata: { name: 'x', labels: { z: '1_000', y: '0x1F', x: '12:30', w: 'yes', v: '1e3' } }, kind: 'ConfigMap', apiVersion: 'v1' } as unknown as KubeObject;
    const text = toYaml([obj, obj]);
    expect(text.startsWith('---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')).toBe(true);
    for (const v of ['1_000', '0x1F', '12:30', 'yes', '1e3']) expect(text).toContain(`'${v}'`);
    expect(text).toContain('spec:\n  a: 2\n  b: 1\n');
    expect(yaml.loadAll(text)).toEqual([obj, obj]);
  });
});
