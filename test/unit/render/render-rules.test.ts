import { describe, expect, it } from 'vitest';
import type { MergedConfig } from '../../../src/core/config/schema.js';
import { renderApp, type RenderRequest } from '../../../src/core/render/render-app.js';
import type { KubeObject } from '../../../src/core/render/types.js';
import { builtinTemplates, ledger, mary, MARY_CRONFILE, MARY_PROCFILE, pricing, SHA } from './configs.js';

type Req = Omit<RenderRequest, 'templates' | 'version' | 'env'> & { env?: string };
async function render(req: Req): Promise<KubeObject[]> {
  const [m] = renderApp({ env: 'production', ...req, templates: await builtinTemplates(), version: { sha: SHA } });
  return m?.objects ?? [];
}
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking rendered JSON in assertions
const spec = (o: KubeObject | undefined): any => o?.['spec'];
const marySet = () => render({ app: 'mary', config: mary(), procfile: MARY_PROCFILE, cronfile: MARY_CRONFILE });

describe('renderApp rules', () => {
  it('web gets Deployment, Service, Ingress and HPA; each cron a CronJob; release is not a Deployment', async () => {
    const objects = await marySet();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/mary', 'Service/mary', 'Deployment/mary-web', 'Deployment/mary-worker',
      'HorizontalPodAutoscaler/mary-web', 'HorizontalPodAutoscaler/mary-worker', 'Ingress/mary',
      'CronJob/mary-purge', 'CronJob/mary-weekly-report',
    ]);
    expect(spec(find(objects, 'Ingress', 'mary')).rules[0].host).toBe('mary.production.kapten.com');
  });

  it('every object carries app, process and Nestor labels; selectors use only app and process', async () => {
    for (const objects of [await marySet(), await render({ app: 'ledger', config: ledger() })]) {
      for (const o of objects) {
        expect(Object.keys(o.metadata.labels ?? {}).sort(), `${o.kind}/${o.metadata.name}`).toEqual(
          ['app', 'app.kubernetes.io/managed-by', 'nestor.io/environment', 'nestor.io/release', 'process',
            ...(o.kind === 'Deployment' && o.metadata.labels?.['app'] === 'mary' ? ['nestor.io/criticity', 'nestor.io/team'] : [])].sort(),
        );
        expect(o.metadata.labels?.['nestor.io/release']).toBe(SHA.slice(0, 7));
        expect(o.metadata.namespace).toBe('production');
      }
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        expect(Object.keys(spec(d).selector.matchLabels)).toEqual(['app', 'process']);
        expect(spec(d).template.metadata.labels).not.toHaveProperty('nestor.io/release');
      }
    }
  });

  it('variables go to the ConfigMap, secrets only by reference, PORT = port = targetPort', async () => {
    const objects = await marySet();
    expect(find(objects, 'ConfigMap', 'mary')?.['data']).toEqual({ METRICS_DESTINATION: 'metrics.kapten.com', NODE_ENV: 'production' });
    const container = spec(find(objects, 'Deployment', 'mary-web')).template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'SENTRY_DSN', valueFrom: { secretKeyRef: { name: 'mary-secrets', key: 'SENTRY_DSN' } } },
    ]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'mary' } }]);
    expect(container.ports[0].containerPort).toBe(8080);
    expect(spec(find(objects, 'Service', 'mary')).ports[0].targetPort).toBe(8080);
    expect(JSON.stringify(objects)).not.toContain('********');
  });

  it('renders the Secret only when values are given, base64, and refuses a missing one', async () => {
    const base = { app: 'mary', config: mary(), procfile: MARY_PROCFILE };
    expect((await render(base)).some((o) => o.kind === 'Secret')).toBe(false);
    const secret = find(await render({ ...base, secretValues: { SENTRY_DSN: 'https://k@sentry.io/1', OTHER: 'x' } }), 'Secret', 'mary-secrets');
    expect(secret?.['data']).toEqual({ SENTRY_DSN: Buffer.from('https://k@sentry.io/1').toString('base64') });
    await expect(render({ ...base, secretValues: {} })).rejects.toThrow('no value for secret(s) SENTRY_DSN');
  });

  it('hpa_replicas: the HPA owns replicas; otherwise replicas = minReplicas', async () => {
    const owned = await marySet();
    expect(spec(find(owned, 'Deployment', 'mary-web'))).not.toHaveProperty('replicas');
    expect(spec(find(owned, 'HorizontalPodAutoscaler', 'mary-web'))).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
    const config = mary();
    config.deployments = { kubernetes: [{ cluster_name: 'c', hpa_replicas: false }] };
    const objects = await render({ app: 'mary', config, procfile: MARY_PROCFILE });
    expect(spec(find(objects, 'Deployment', 'mary-web')).replicas).toBe(3);
    expect(spec(find(objects, 'Deployment', 'mary-worker')).replicas).toBe(1);
    expect(find(objects, 'HorizontalPodAutoscaler', 'mary-worker')).toBeUndefined();
  });

  it('a worker scaled with max > min gets an HPA; minReplicas 0 switches a process off', async () => {
    const config = ledger();
    config.deployments = { kubernetes: [{ cluster_name: 'c' }] };
    config.scales = { worker: { minReplicas: 2, maxReplicas: 6 }, 'dead-letters': { minReplicas: 0 } };
    const objects = await render({ app: 'ledger', config });
    expect(spec(find(objects, 'HorizontalPodAutoscaler', 'ledger-worker'))).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(spec(find(objects, 'Deployment', 'ledger-dead-letters')).replicas).toBe(0);
    expect(find(objects, 'HorizontalPodAutoscaler', 'ledger-dead-letters')).toBeUndefined();
  });

  it('cluster values are defaults (default, then process); the app overrides them', async () => {
    const config: MergedConfig = {
      ...pricing(),
      deployments: { kubernetes: [{
        cluster_name: 'c',
        resources: { default: { requests: { cpu: '100m', memory: '128Mi' } }, web: { limits: { memory: '512Mi' } } },
        nodeSelector: { default: { tier: 'app' }, web: { pool: 'web' } },
        scales: { default: { minReplicas: 2 } },
      }] },
      resources: { web: { requests: { memory: '300Mi' } } },
      nodeSelector: { web: { tier: 'front' } },
    };
    const objects = await render({ app: 'pricing', config });
    const pod = spec(find(objects, 'Deployment', 'pricing-web')).template.spec;
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '512Mi' } });
    expect(pod.nodeSelector).toEqual({ tier: 'front', pool: 'web' });
    expect(spec(find(objects, 'HorizontalPodAutoscaler', 'pricing-web')).minReplicas).toBe(2);
  });

  it('anti-affinity: the app setting overrides the cluster one; none removes it', async () => {
    const affinity = async (app: MergedConfig['anti_affinity'], cluster: MergedConfig['anti_affinity']) => {
      const config: MergedConfig = { ...pricing(), anti_affinity: app, deployments: { kubernetes: [{ cluster_name: 'c', anti_affinity: cluster }] } };
      const pod = spec(find(await render({ app: 'pricing', config }), 'Deployment', 'pricing-web')).template.spec;
      return pod.affinity?.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.map(
        (t: { podAffinityTerm: { topologyKey: string; labelSelector: unknown } }) => [t.podAffinityTerm.topologyKey, t.podAffinityTerm.labelSelector],
      );
    };
    const sel = { matchLabels: { app: 'pricing', process: 'web' } };
    expect(await affinity(undefined, 'node')).toEqual([['kubernetes.io/hostname', sel]]);
    expect(await affinity('zone', 'node')).toEqual([['topology.kubernetes.io/zone', sel], ['kubernetes.io/hostname', sel]]);
    expect(await affinity('none', 'zone')).toBeUndefined();
    expect(await affinity(undefined, undefined)).toBeUndefined();
  });

  it('templateVars become monitoring labels and annotations; thresholds on web only', async () => {
    const objects = await marySet();
    expect(find(objects, 'Deployment', 'mary-web')?.metadata.annotations).toEqual({
      'nestor.io/criticity': 'high', 'nestor.io/team': 'security', 'nestor.io/teams': 'security',
      'nestor.io/web-2xx-threshold': '0', 'nestor.io/web-50th-latency-threshold': '0.30', 'nestor.io/web-95th-latency-threshold': '2',
    });
    expect(find(objects, 'Deployment', 'mary-worker')?.metadata.annotations).not.toHaveProperty('nestor.io/web-2xx-threshold');
    expect(find(objects, 'Deployment', 'mary-web')?.metadata.labels).toMatchObject({ 'nestor.io/team': 'security', 'nestor.io/criticity': 'high' });
  });

  it('a config change rolls pods through the config-hash annotation', async () => {
    const hash = (objects: KubeObject[]) => spec(find(objects, 'Deployment', 'pricing-web')).template.metadata.annotations['nestor.io/config-hash'];
    const before = hash(await render({ app: 'pricing', config: pricing() }));
    expect(hash(await render({ app: 'pricing', config: pricing() }))).toBe(before);
    const changed = pricing();
    changed.variables = { app: { CURRENCY: 'USD' } };
    expect(hash(await render({ app: 'pricing', config: changed }))).not.toBe(before);
  });

  it('one manifest set per cluster, with its namespace and context', async () => {
    const config: MergedConfig = { ...pricing(), deployments: { kubernetes: [
      { cluster_name: 'eu', context: 'gke_eu', namespace: 'prod-eu' }, { cluster_name: 'us' },
    ] } };
    const sets = renderApp({ app: 'pricing', env: 'production', config, templates: await builtinTemplates(), version: { sha: SHA } });
    expect(sets.map((s) => [s.cluster, s.context, s.namespace])).toEqual([['eu', 'gke_eu', 'prod-eu'], ['us', 'us', 'production']]);
    expect(sets[0]?.objects.every((o) => o.metadata.namespace === 'prod-eu')).toBe(true);
  });

  it('config processes: a null entry removes a Procfile process; ingress.host and ingress off', async () => {
    const config = mary();
    config.processes = { worker: null };
    config.ingress = { host: 'rides.kapten.com', tlsSecret: 'kapten-tls', className: 'nginx' };
    const objects = await render({ app: 'mary', config, procfile: MARY_PROCFILE });
    expect(find(objects, 'Deployment', 'mary-worker')).toBeUndefined();
    expect(spec(find(objects, 'Ingress', 'mary'))).toMatchObject({
      ingressClassName: 'nginx', tls: [{ hosts: ['rides.kapten.com'], secretName: 'kapten-tls' }],
    });
    expect((await render({ app: 'pricing', config: pricing() })).some((o) => o.kind === 'Ingress')).toBe(false);
  });

  it('refuses bad names, versions and clashing variables before rendering anything', async () => {
    await expect(render({ app: '../x', config: pricing() })).rejects.toThrow(/app name "..\/x" must be a DNS-1123 label/);
    await expect(render({ app: 'pricing', env: 'Prod', config: pricing() })).rejects.toThrow(/environment name "Prod"/);
    const clash = pricing();
    clash.variables = { app: { A: '1' }, ope: { A: '2' } };
    await expect(render({ app: 'pricing', config: clash })).rejects.toThrow('variable A is set in groups app and ope with different values');
    const long = pricing();
    long.crons = { ['x'.repeat(50)]: { schedule: '* * * * *', command: 'x' } };
    await expect(render({ app: 'pricing', config: long })).rejects.toThrow(/cronjob\.yaml \(built-in\): invalid CronJob "pricing-x+": metadata\.name: .*at most 52/);
  });
});
