import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { load } from 'js-yaml';
import { startKubeSimulator, writeKubeconfigFile, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';

function findKubectl(): string | undefined {
  const candidates = ['/usr/bin/kubectl', ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'kubectl'))];
  return candidates.find((candidate) => existsSync(candidate));
}

const kubectlPath = findKubectl();
const hasKubectl = kubectlPath !== undefined;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let sim: KubeSimulator;
let dir: string;
let kubeconfig: string;

function kubectl(args: readonly string[], config = kubeconfig): Promise<Result> {
  return new Promise((resolve) => {
    execFile(kubectlPath ?? 'kubectl', ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function manifest(name: string, yaml: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, yaml);
  return path;
}

function app(namespace: string, image: string, replicas: number): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace}, labels: { app: web } }
spec:
  replicas: ${replicas}
  progressDeadlineSeconds: 60
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, process: web } }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [ { containerPort: 8080 } ]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace}, labels: { app: web } }
spec:
  selector: { app: web, process: web }
  ports: [ { port: 80, targetPort: 8080 } ]
`;
}

describe.runIf(hasKubectl)('kube simulator with the real kubectl', () => {
  beforeAll(async () => {
    sim = await startKubeSimulator({ controllers: { missingImages: ['registry.example/kapten/mary:bad-image'] } });
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-kubectl-'));
    kubeconfig = await sim.writeKubeconfig(dir, ['kapten_staging_eu-w1']);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('applies server-side, waits for the rollout and lists pods by label', async () => {
    const file = await manifest('good.yaml', app('good', 'registry.example/kapten/mary:1a2b3c4', 2));
    const applied = await kubectl(['apply', '--server-side', '-f', file]);
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout.trim().split('\n')).toEqual([
      'namespace/good serverside-applied', 'deployment.apps/web serverside-applied', 'service/web serverside-applied',
    ]);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'good', '--timeout=15s']);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    expect(rollout.code).toBe(0);
    const pods = await kubectl(['get', 'pods', '-n', 'good', '-l', 'app=web', '-o', 'name']);
    expect(pods.stdout.trim().split('\n')).toHaveLength(2);
    const table = await kubectl(['get', 'deployments', '-n', 'good']);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+/);
  });

  it('prints objects with get -o yaml, managed fields included', async () => {
    const result = await kubectl(['get', 'deployment', 'web', '-n', 'good', '-o', 'yaml', '--show-managed-fields']);
    expect(result.code).toBe(0);
    const obj = load(result.stdout) as { metadata: { managedFields: { manager: string; operation: string }[] }; status: { availableReplicas: number } };
    expect(obj.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toEqual(['kubectl/Apply']);
    expect(obj.status.availableReplicas).toBe(2);
  });

  it('refuses an apply that conflicts with another field manager, and --force-conflicts takes over', async () => {
    const file = await manifest('scaled.yaml', app('good', 'registry.example/kapten/mary:1a2b3c4', 5));
    const refused = await kubectl(['apply', '--server-side', '--field-manager=ops', '-f', file]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    const forced = await kubectl(['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', file]);
    expect(forced.code).toBe(0);
    const replicas = await kubectl(['get', 'deployment', 'web', '-n', 'good', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas.stdout).toBe('5');
  });

  it('runs Jobs to completion or failure as the test says, and serves their logs to kubectl logs', async () => {
    sim.controllers.options.jobRunner = (job) => job.metadata.name === 'build-ok'
      ? { succeeded: true, log: 'INFO building\nINFO pushed registry.example/kapten/mary:1a2b3c4\n' }
      : { succeeded: false, log: 'INFO building\nerror building image: parsing dockerfile: no such file\n' };
    const job = (name: string) => `apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: jobs }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [ { name: build, image: gcr.io/kaniko-project/executor:v1.23.2, args: [--no-push] } ]
`;
    const file = await manifest('jobs.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: { name: jobs }\n---\n${job('build-ok')}---\n${job('build-ko')}`);
    expect(await kubectl(['apply', '--server-side', '-f', file])).toMatchObject({ code: 0 });
    const waited = await kubectl(['wait', '--for=condition=complete', 'job/build-ok', '-n', 'jobs', '--timeout=15s']);
    expect(waited).toMatchObject({ code: 0, stdout: 'job.batch/build-ok condition met\n' });
    const failed = await kubectl(['wait', '--for=condition=failed', 'job/build-ko', '-n', 'jobs', '--timeout=15s']);
    expect(failed).toMatchObject({ code: 0, stdout: 'job.batch/build-ko condition met\n' });
    const table = await kubectl(['get', 'jobs', '-n', 'jobs']);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    expect(table.stdout).toMatch(/\nbuild-ko\s+Failed\s+0\/1\s/);
    expect(table.stdout).toMatch(/\nbuild-ok\s+Complete\s+1\/1\s/);
    expect(await kubectl(['logs', 'job/build-ok', '-n', 'jobs'])).toMatchObject({ code: 0, stdout: 'INFO building\nINFO pushed registry.example/kapten/mary:1a2b3c4\n' });
    expect(await kubectl(['logs', 'job/build-ko', '-n', 'jobs', '--tail=1'])).toMatchObject({ code: 0, stdout: 'error building image: parsing dockerfile: no such file\n' });
    const missing = await kubectl(['logs', 'pod/nobody', '-n', 'jobs']);
    expect(missing.stderr).toContain('pods "nobody" not found');
  });

  it('fails rollout status on a bad image with the progress deadline', async () => {
    const file = await manifest('bad.yaml', app('bad', 'registry.example/kapten/mary:bad-image', 1));
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'bad', '--timeout=15s']);
    expect(rollout.code).not.toBe(0);
    expect(rollout.stderr).toContain('deployment "web" exceeded its progress deadline');
    const pods = await kubectl(['get', 'pods', '-n', 'bad', '-l', 'app=web']);
    expect(pods.stdout).toContain('ImagePullBackOff');
  });

  it('deletes objects, and a namespace with everything in it', async () => {
    const deleted = await kubectl(['delete', 'deployment', 'web', '-n', 'good']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
    const pods = await kubectl(['get', 'pods', '-n', 'good', '-l', 'app=web']);
    expect(pods.stderr).toContain('No resources found in good namespace.');
    expect((await kubectl(['delete', 'namespace', 'bad'])).code).toBe(0);
    const services = await kubectl(['get', 'services', '-n', 'bad', '-o', 'name']);
    expect(services.stdout).toBe('');
  });

  it('moves an object from client-side apply to server-side apply without conflicts, like the API server', async () => {
    expect((await kubectl(['apply', '-f', await manifest('csa.yaml', app('csa', 'mary:1', 1))])).code).toBe(0);
    const upgraded = await kubectl(['apply', '--server-side', '-f', await manifest('csa2.yaml', app('csa', 'mary:1', 3))]);
    expect(upgraded.stderr).toBe('');
    const managers = await kubectl(['get', 'deployment', 'web', '-n', 'csa', '-o', 'jsonpath={.spec.replicas} {.metadata.managedFields[*].manager}']);
    expect(managers.stdout).toBe('3 kubectl kubectl-last-applied');
  });

  it('refuses unknown fields as the API server does under kubectl\'s strict field validation', async () => {
    const typo = app('strict', 'mary:1', 1).replace('progressDeadlineSeconds: 60', 'progressDeadlineSecond: 60');
    const file = await manifest('typo.yaml', typo);
    const serverSide = await kubectl(['apply', '--server-side', '-f', file]);
    expect(serverSide.code).not.toBe(0);
    expect(serverSide.stderr).toContain('failed to create typed patch object (strict/web; apps/v1, Kind=Deployment): .spec.progressDeadlineSecond: field not declared in schema');
    const created = await kubectl(['create', '-f', file]);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain('strict decoding error: unknown field "spec.progressDeadlineSecond"');
    const ignored = await kubectl(['apply', '--server-side', '--validate=false', '-f', file]);
    expect(ignored.code).toBe(0);
  });

  it('scales a Deployment through its scale subresource, and the scaler then owns the replicas', async () => {
    const file = await manifest('scale.yaml', app('scaled', 'mary:1', 1));
    expect((await kubectl(['apply', '--server-side', '--field-manager=nestor', '-f', file])).code).toBe(0);
    const scaled = await kubectl(['scale', 'deployment/web', '-n', 'scaled', '--replicas=3']);
    expect(scaled).toMatchObject({ code: 0, stdout: 'deployment.apps/web scaled\n' });
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'scaled', '--timeout=15s']);
    expect(rollout.code).toBe(0);
    const pods = await kubectl(['get', 'pods', '-n', 'scaled', '-l', 'app=web', '-o', 'name']);
    expect(pods.stdout.trim().split('\n')).toHaveLength(3);
    const again = await kubectl(['apply', '--server-side', '--field-manager=nestor', '-f', file]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('conflict with "kubectl" using apps/v1: .spec.replicas');
    const bad = await kubectl(['scale', 'deployment/web', '-n', 'scaled', '--replicas=-1']);
    expect(bad.code).not.toBe(0);
  });

  it('keeps an autoscaled Deployment within its HPA bounds and shows the replicas in get hpa', async () => {
    const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: autoscaled }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 3
  maxReplicas: 5
  metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 75 } } } ]
`;
    const file = await manifest('hpa.yaml', app('autoscaled', 'mary:1', 1) + hpa);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    expect((await kubectl(['rollout', 'status', 'deployment/web', '-n', 'autoscaled', '--timeout=15s'])).code).toBe(0);
    const replicas = await kubectl(['get', 'deployment', 'web', '-n', 'autoscaled', '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}']);
    expect(replicas.stdout).toBe('3 3');
    const table = await kubectl(['get', 'hpa', 'web', '-n', 'autoscaled']);
    expect(table.stdout).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\nweb\s+Deployment\/web\s+.*\s+3\s+5\s+3\s+/);
  });

  it('folds a Secret\'s stringData into data, as the API server does, and never shows stringData', async () => {
    const secret = `apiVersion: v1
kind: Namespace
metadata: { name: secrets }
---
apiVersion: v1
kind: Secret
metadata: { name: mary-secrets, namespace: secrets }
data: { TOKEN: ${Buffer.from('from data').toString('base64')}, KEPT: ${Buffer.from('kept').toString('base64')} }
stringData: { TOKEN: 'from stringData: wins' }
`;
    expect((await kubectl(['apply', '--server-side', '-f', await manifest('secret.yaml', secret)])).code).toBe(0);
    const token = await kubectl(['get', 'secret', 'mary-secrets', '-n', 'secrets', '-o', 'jsonpath={.data.TOKEN} {.data.KEPT}']);
    const [tokenB64, keptB64] = token.stdout.split(' ');
    expect(Buffer.from(tokenB64 ?? '', 'base64').toString('utf8')).toBe('from stringData: wins');
    expect(Buffer.from(keptB64 ?? '', 'base64').toString('utf8')).toBe('kept');
    const yaml = await kubectl(['get', 'secret', 'mary-secrets', '-n', 'secrets', '-o', 'yaml']);
    expect(load(yaml.stdout)).not.toHaveProperty('stringData');
  });

  it("serves prometheus-operator's PrometheusRule: apply, get by short name and list by label", async () => {
    const rule = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: mary, namespace: monitoring, labels: { app: mary } }
spec:
  groups: [ { name: mary, rules: [ { alert: PodsCrashLooping, expr: vector(1), for: 5m, labels: { severity: critical } } ] } ]
`;
    const file = await manifest('rule.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: { name: monitoring }\n---\n${rule}`);
    expect(await kubectl(['apply', '--server-side', '-f', file])).toMatchObject({ code: 0, stdout: 'namespace/monitoring serverside-applied\nprometheusrule.monitoring.coreos.com/mary serverside-applied\n' });
    const table = await kubectl(['get', 'prometheusrules', '-n', 'monitoring', '-l', 'app=mary']);
    expect(table.stdout).toMatch(/^NAME\s+AGE\nmary\s+/);
    const expr = await kubectl(['get', 'promrule', 'mary', '-n', 'monitoring', '-o', 'jsonpath={.spec.groups[0].rules[0].expr}']);
    expect(expr).toMatchObject({ code: 0, stdout: 'vector(1)' });
  });

  it("serves prometheus-operator's AlertmanagerConfig (v1alpha1, beside PrometheusRule's v1 in the same group): apply and get", async () => {
    const config = `apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata: { name: mary, namespace: monitoring, labels: { app: mary } }
spec:
  route: { receiver: team-security, matchers: [ { name: app, value: mary, matchType: "=" } ] }
  receivers: [ { name: team-security, slackConfigs: [ { channel: "#security-alerts", apiURL: { name: alertmanager-slack, key: security } } ] } ]
`;
    const file = await manifest('amcfg.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: { name: monitoring }\n---\n${config}`);
    expect(await kubectl(['apply', '--server-side', '-f', file])).toMatchObject({ code: 0, stdout: 'namespace/monitoring serverside-applied\nalertmanagerconfig.monitoring.coreos.com/mary serverside-applied\n' });
    const table = await kubectl(['get', 'alertmanagerconfigs', '-n', 'monitoring', '-l', 'app=mary']);
    expect(table.stdout).toMatch(/^NAME\s+AGE\nmary\s+/);
    const receiver = await kubectl(['get', 'amcfg', 'mary', '-n', 'monitoring', '-o', 'jsonpath={.spec.route.receiver}']);
    expect(receiver).toMatchObject({ code: 0, stdout: 'team-security' });
    expect(await kubectl(['api-versions'])).toMatchObject({ code: 0, stdout: expect.stringContaining('monitoring.coreos.com/v1\nmonitoring.coreos.com/v1alpha1\n') });
    const category = await kubectl(['get', 'prometheus-operator', '-n', 'monitoring', '-o', 'name']);
    expect(category).toMatchObject({ code: 0, stdout: expect.stringContaining('alertmanagerconfig.monitoring.coreos.com/mary\n') });
  });

  it('a cluster without prometheus-operator serves neither kind', async () => {
    const bare = await startKubeSimulator({ prometheusOperator: false });
    try {
      const config = await writeKubeconfigFile(join(dir, 'bare'), [{ name: 'bare', server: bare.url }]);
      const rules = await kubectl(['get', 'prometheusrules', '-A'], config);
      expect(rules.code).toBe(1);
      expect(rules.stderr).toContain('the server doesn\'t have a resource type "prometheusrules"');
      expect((await kubectl(['api-versions'], config)).stdout).not.toContain('monitoring.coreos.com');
      expect((await fetch(`${bare.url}/apis/monitoring.coreos.com/v1/namespaces/dev3/prometheusrules`)).status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it('prints the API error for a missing object', async () => {
    const result = await kubectl(['get', 'deployment', 'nope', '-n', 'good']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('switches between contexts pointing at different simulators', async () => {
    const other = await startKubeSimulator();
    try {
      const config = await writeKubeconfigFile(join(dir, 'multi'), [
        { name: 'kapten_production_eu-w1', server: sim.url },
        { name: 'kapten_production_us-e1', server: other.url },
      ]);
      const file = await manifest('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: { name: only-in-us }\n');
      expect((await kubectl(['--context', 'kapten_production_us-e1', 'apply', '--server-side', '-f', file], config)).code).toBe(0);
      expect((await kubectl(['--context', 'kapten_production_us-e1', 'get', 'namespace', 'only-in-us', '-o', 'name'], config)).stdout).toBe('namespace/only-in-us\n');
      expect((await kubectl(['--context', 'kapten_production_eu-w1', 'get', 'namespace', 'only-in-us'], config)).code).toBe(1);
    } finally {
      await other.close();
    }
  });
});
