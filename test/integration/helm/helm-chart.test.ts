// Nestor's Helm chart, rendered by a real helm (template and lint --strict) with its defaults and
// with the value sets a team would use; every object checked against its Kubernetes schema (the
// kubernetes-models JSON Schemas and the client's field tables, as rendered releases are), the
// processes' environments read by Nestor's own settings reader, and the whole applied to the
// simulator with the real kubectl.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshotsFolder } from '../../../src/adapters/fs/state-folder.js';
import { modelTypeOf, unknownFields } from '../../../src/core/render/unknown-fields.js';
import { readSettings, type Role as ProcessRole } from '../../../src/main/bot-settings.js';
import { startKubeSimulator, typeOf } from '../../../src/testkit/kube-sim/index.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';
import { helmLint, helmTemplate, renderChart, RELEASE_NAMESPACE, type ChartObject } from '../../support/helm-chart.js';

afterAll(() => cleanupFixtures());

const MANAGED = ['dev1', 'dev2', 'dev3'];
const IN_CLUSTER = [
  'kube.inClusterContexts={kapten_dev_eu-w1,kapten_staging_eu-w1}', `rbac.namespaces={${MANAGED.join(',')}}`,
  'rbac.prometheusRules=true', 'metrics.serviceMonitor.enabled=true', 'ssh.existingSecret=nestor-ssh', 'configEnvKeys={NPM_TOKEN}',
];
const VALUE_SETS: Record<string, string[]> = {
  defaults: [],
  'in-cluster with RBAC, ServiceMonitors and ssh': IN_CLUSTER,
  'Redis Sentinel, the API beside the bot': [
    'redis.internal.enabled=false', 'redis.sentinel.sentinels={sentinel-0.sentinel:26379,sentinel-1.sentinel:26379}',
    'redis.urlFromSecret=true', 'bot.apiPort=3001', 'api.enabled=false',
  ],
  'an external Redis, three workers sharing a snapshots volume': [
    'redis.internal.enabled=false', 'redis.url=redis://redis.infra:6379/0', 'worker.replicas=3', 'worker.snapshots.existingClaim=nestor-snapshots',
  ],
};

interface Validatable { validate(this: unknown): void }
const MODELS: Record<string, { prototype: Validatable }> = {
  'apps/v1/Deployment': Deployment, 'apps/v1/StatefulSet': StatefulSet, 'v1/Service': Service, 'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role, 'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole, 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** Every problem of an object against its kind's schema, and its unknown fields (as strict field validation). */
function schemaProblems(obj: ChartObject): string[] {
  const what = `${obj.kind} ${obj.metadata.name}`;
  const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!model) return [`${what}: no schema for ${obj.apiVersion} ${obj.kind}`];
  const problems: string[] = [];
  try {
    model.prototype.validate.call(obj);
  } catch (error) {
    problems.push(`${what}: ${JSON.stringify((error as { errors?: unknown }).errors ?? String(error))}`);
  }
  // Custom resources have no client field table: their schema above is the check.
  if (obj.apiVersion.includes('monitoring.coreos.com')) return problems;
  return [...problems, ...unknownFields(obj, modelTypeOf(obj.apiVersion, obj.kind)).map((u) => `${what}: unknown field ${u.path}`)];
}

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }
interface Container { name: string; args?: string[]; env?: EnvVar[]; ports?: Array<{ name: string; containerPort: number }>; livenessProbe?: unknown; readinessProbe?: unknown; volumeMounts?: Array<{ name: string; mountPath: string }> }
interface PodSpec { containers: Container[]; automountServiceAccountToken?: boolean; serviceAccountName?: string; volumes?: Array<Record<string, unknown>> }
interface Workload extends ChartObject { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }; volumeClaimTemplates?: Array<{ metadata: { name: string } }> } }

const workloads = (objects: ChartObject[]) => objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const nestorContainer = (w: Workload) => w.spec.template.spec.containers.find((c) => ['bot', 'worker', 'api'].includes(c.name));
const processOf = (w: Workload) => w.spec.template.metadata.labels['app.kubernetes.io/component'];

/** Settings whose values are secrets: each must come from a Secret, never be written in the chart. */
const SECRET_SETTINGS = [
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'NESTOR_API_TOKENS', 'NESTOR_HISTORY_KEY', 'NESTOR_GITHUB_TOKEN',
  'NESTOR_GITHUB_PRIVATE_KEY', 'NESTOR_GITHUB_WEBHOOK_SECRET', 'NESTOR_REDIS_SENTINEL_PASSWORD', 'NPM_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
];
/** What the test's stand-in Secret holds (optional keys absent). */
const SECRET_VALUES: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-from-secret', SLACK_SIGNING_SECRET: 'signing-from-secret', REDIS_URL: 'redis://:pw@mymaster/0', NPM_TOKEN: 'npm',
  NESTOR_API_TOKENS: JSON.stringify([{ name: 'ci', token: 'a-token-of-16-chars-at-least', environments: ['*'], actions: ['ci'] }]),
};

/** The container's environment as the kubelet would give it, the Secret's keys resolved. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (ref && SECRET_VALUES[ref.key] !== undefined) env[v.name] = SECRET_VALUES[ref.key]!;
    else if (!ref?.optional) throw new Error(`${container.name}: ${v.name} has neither a value nor a Secret key the test's Secret has`);
  }
  return env;
}

describe('the Helm chart, rendered by helm', () => {
  for (const [name, sets] of Object.entries(VALUE_SETS)) {
    it(`${name}: passes helm lint --strict, and every object matches its Kubernetes schema`, async () => {
      await expect(helmLint(sets)).resolves.toContain('0 chart(s) failed');
      const objects = await renderChart(sets);
      expect(objects.flatMap(schemaProblems)).toEqual([]);
      for (const obj of objects) {
        if (obj.kind.startsWith('Cluster') || (obj.kind === 'Role' || obj.kind === 'RoleBinding')) continue;
        expect(obj.metadata.namespace, `${obj.kind} ${obj.metadata.name}`).toBe(RELEASE_NAMESPACE);
      }
    });

    it(`${name}: gives each process the settings Nestor reads, secrets from the existing Secret only`, async () => {
      const objects = await renderChart(sets);
      const processes = workloads(objects).filter((w) => nestorContainer(w));
      expect(processes.length).toBeGreaterThan(0);
      for (const w of processes) {
        const container = nestorContainer(w)!;
        for (const v of container.env ?? []) {
          if (!SECRET_SETTINGS.includes(v.name) && v.name !== 'REDIS_URL') continue;
          if (v.name === 'REDIS_URL' && v.value !== undefined) {
            expect(new URL(v.value).password, 'a REDIS_URL written in the chart has no password').toBe('');
            continue;
          }
          expect(v.valueFrom?.secretKeyRef, `${container.name}: ${v.name}`).toEqual({ name: 'nestor', key: v.name, ...(v.valueFrom?.secretKeyRef?.optional ? { optional: true } : {}) });
        }
        const role = container.args?.[0] as ProcessRole;
        const env = environmentOf(container);
        // The worker's kubeconfig is mounted in the pod; here a file of the test stands for it.
        if (role === 'worker') {
          expect(env['KUBECONFIG']).toBe('/home/nestor/kube/config');
          env['KUBECONFIG'] = join(tempDir('nestor-chart-'), 'config');
          writeFileSync(env['KUBECONFIG'], 'apiVersion: v1\nkind: Config\n');
        }
        const read = readSettings(role, env, '/');
        expect(read.ok ? 'ok' : read.line).toBe('ok');
        expect(env['NESTOR_STATE']).toBe('/home/nestor/state');
        expect(container.volumeMounts).toContainEqual(expect.objectContaining({ name: 'state', mountPath: '/home/nestor/state' }));
      }
    });

    it(`${name}: probes each process on /healthz and /readyz, scrapes /metrics, and keeps it up with a PodDisruptionBudget`, async () => {
      const objects = await renderChart(sets);
      for (const w of workloads(objects).filter((x) => nestorContainer(x))) {
        const container = nestorContainer(w)!;
        const port = container.ports?.find((p) => p.name === 'health')?.containerPort;
        expect(String(port)).toBe(container.env?.find((v) => v.name === 'NESTOR_HEALTH_PORT')?.value);
        expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'health' } });
        expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'health' } });
        expect(w.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
        const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && (o as unknown as Workload).spec.selector.matchLabels['app.kubernetes.io/component'] === processOf(w));
        expect(pdb, `a PodDisruptionBudget for ${w.metadata.name}`).toBeDefined();
        const selector = (pdb as unknown as Workload).spec.selector.matchLabels;
        for (const [k, v] of Object.entries(selector)) expect(w.spec.template.metadata.labels[k]).toBe(v);
      }
    });
  }

  it('runs the workers as a StatefulSet, each with a state volume of its own; only they may hold a ServiceAccount token', async () => {
    const objects = await renderChart(IN_CLUSTER);
    const worker = workloads(objects).find((w) => processOf(w) === 'worker')!;
    expect(worker.kind).toBe('StatefulSet');
    expect(worker.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['state']);
    expect(worker.spec.template.spec.serviceAccountName).toBe('nestor-worker');
    expect(worker.spec.template.spec.automountServiceAccountToken).toBe(true);
    for (const w of workloads(objects).filter((x) => processOf(x) !== 'worker')) {
      expect(w.spec.template.spec.automountServiceAccountToken, w.metadata.name).toBe(false);
    }
  });

  it('mounts a shared snapshots claim on every worker where NESTOR_SNAPSHOTS points; without one, snapshots stay in the state folder', async () => {
    const shared = workloads(await renderChart(['worker.replicas=3', 'worker.snapshots.existingClaim=nestor-snapshots'])).find((w) => processOf(w) === 'worker')!;
    // One pod template for all replicas: every worker mounts the same claim (ReadWriteMany, made by the operator).
    expect(shared.spec.template.spec.volumes).toContainEqual({ name: 'snapshots', persistentVolumeClaim: { claimName: 'nestor-snapshots' } });
    expect(shared.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['state']);
    const worker = nestorContainer(shared)!;
    const env = environmentOf(worker);
    const folder = snapshotsFolder('/', env, env['NESTOR_STATE']!);
    expect(worker.volumeMounts).toContainEqual(expect.objectContaining({ name: 'snapshots', mountPath: folder }));
    expect(folder).not.toBe(env['NESTOR_STATE']);

    const alone = workloads(await renderChart()).find((w) => processOf(w) === 'worker')!;
    const own = environmentOf(nestorContainer(alone)!);
    expect(own['NESTOR_SNAPSHOTS']).toBeUndefined();
    expect(snapshotsFolder('/', own, own['NESTOR_STATE']!)).toBe('/home/nestor/state');
    expect(alone.spec.template.spec.volumes?.map((v) => v['name'])).not.toContain('snapshots');
  });

  it('writes an in-cluster kubeconfig whose contexts are the cluster names, authenticated by the ServiceAccount token', async () => {
    const objects = await renderChart(IN_CLUSTER);
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nestor-kubeconfig') as unknown as { data: { config: string } };
    // The pod's ServiceAccount folder, here a folder of the test.
    const serviceAccount = tempDir('nestor-chart-sa-');
    writeFileSync(join(serviceAccount, 'token'), 'the-service-account-token');
    writeFileSync(join(serviceAccount, 'ca.crt'), 'the cluster CA');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(configMap.data.config.replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', serviceAccount));
    expect(kubeConfig.getContexts().map((c) => c.name)).toEqual(['kapten_dev_eu-w1', 'kapten_staging_eu-w1']);
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://kubernetes.default.svc');
    const options: { headers?: Record<string, string>; ca?: string | Buffer } = {};
    await kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers?.['Authorization']).toBe('Bearer the-service-account-token');
    expect(String(options.ca)).toBe('the cluster CA');
  });

  it('runs the optional Redis with append-only persistence, noeviction and a volume', async () => {
    const objects = await renderChart();
    const redis = workloads(objects).find((w) => processOf(w) === 'redis')!;
    const args = redis.spec.template.spec.containers[0]!.args!;
    expect(args.join(' ')).toContain('--appendonly yes');
    expect(args.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['data']);
    const bot = nestorContainer(workloads(objects).find((w) => processOf(w) === 'bot')!)!;
    expect(bot.env).toContainEqual({ name: 'REDIS_URL', value: 'redis://nestor-redis:6379/0' });
  });

  it('names the sentinels and the master group for Redis Sentinel', async () => {
    const objects = await renderChart(['redis.internal.enabled=false', 'redis.sentinel.sentinels={s-0:26379,s-1:26379}', 'redis.sentinel.masterName=nestor', 'redis.sentinel.db=3']);
    const worker = nestorContainer(workloads(objects).find((w) => processOf(w) === 'worker')!)!;
    expect(worker.env).toContainEqual({ name: 'REDIS_URL', value: 'redis://nestor/3' });
    expect(worker.env).toContainEqual({ name: 'NESTOR_REDIS_SENTINELS', value: 's-0:26379,s-1:26379' });
  });

  it.each([
    [['redis.url=redis://elsewhere:6379'], 'redis.internal.enabled is true: set it false to use redis.url'],
    [['kube.inClusterContexts={kapten_dev_eu-w1}'], 'rbac.namespaces: list the namespaces Nestor releases into'],
    [['existingSecret='], 'existingSecret is required'],
    [['redis.internal.enabled=false'], 'redis: set redis.url, redis.sentinel.sentinels, redis.internal.enabled or redis.urlFromSecret'],
  ])('refuses %j with a message saying what to set', async (sets, message) => {
    await expect(helmTemplate(sets)).rejects.toThrow(message);
  });
});

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

describe.runIf(KUBECTL)('the Helm chart, applied with the real kubectl', () => {
  it.each(Object.entries(VALUE_SETS))('%s: applies server-side to the simulator, every object stored', async (_, sets) => {
    const sim = await startKubeSimulator();
    try {
      const dir = tempDir('nestor-chart-apply-');
      const kubeconfig = await sim.writeKubeconfig(dir);
      const kubectl = (args: string[], input: string) => new Promise<string>((resolve, reject) => {
        const child = execFile(KUBECTL!, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
        child.stdin?.end(input);
      });
      const namespaces = [RELEASE_NAMESPACE, ...MANAGED].map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${n} }\n`).join('---\n');
      await kubectl(['apply', '--server-side', '-f', '-'], namespaces);
      const out = await kubectl(['apply', '--server-side', '--field-manager', 'helm', '-f', '-'], await helmTemplate(sets));
      const objects = await renderChart(sets);
      expect(out.trim().split('\n')).toHaveLength(objects.length);
      for (const obj of objects) {
        const stored = sim.store.get(typeOf(obj.kind), obj.metadata.namespace ?? '', obj.metadata.name);
        expect(stored, `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`).toBeDefined();
      }
    } finally {
      await sim.close();
    }
  });
});
