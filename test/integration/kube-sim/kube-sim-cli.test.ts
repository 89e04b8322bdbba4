// `npm run kube-sim` as a process: its default context is the example's dev cluster, and only the
// images named by --crashing-image fail (a sha containing "bad" rolls out).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';

const CRASHING = 'registry.example/kapten/mary:0123abc';
let child: ChildProcess;
let dir: string;
let output = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-cli-'));
  child = spawn(join('node_modules', '.bin', 'tsx'), ['src/main/kube-sim.ts', '--port', '0', '--kubeconfig-dir', dir, '--crashing-image', CRASHING, '--latency-ms', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  await eventually('kube-sim to start', () => output.includes('try: '), 60_000);
}, 90_000);

afterAll(async () => {
  const exited = child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
  child.kill('SIGTERM');
  await exited;
  await rm(dir, { recursive: true, force: true });
});

const url = () => /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? '';
async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${url()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.status;
}
function deployment(name: string, image: string) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'cli' },
    spec: { replicas: 1, progressDeadlineSeconds: 60, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}
async function progressing(name: string): Promise<string | undefined> {
  const res = await fetch(`${url()}/apis/apps/v1/namespaces/cli/deployments/${name}`);
  const body = (await res.json()) as { status?: { conditions?: { type: string; reason: string }[] } };
  return body.status?.conditions?.find((c) => c.type === 'Progressing')?.reason;
}

describe('npm run kube-sim', () => {
  it('writes a kubeconfig whose context is the example\'s dev cluster, and says which contexts it has', async () => {
    const config = load(await readFile(join(dir, 'kubeconfig'), 'utf8')) as { contexts: { name: string }[]; 'current-context': string };
    expect(config.contexts.map((c) => c.name)).toEqual(['kapten_dev_eu-w1']);
    expect(config['current-context']).toBe('kapten_dev_eu-w1');
    expect(output).toContain('contexts: kapten_dev_eu-w1 (current: kapten_dev_eu-w1)');
    expect(output).toContain(`failing images: ${CRASHING} (crashes)`);
    expect(output).toContain('latency: 5 ms per request');
  });

  it('fails only the image named by --crashing-image', async () => {
    expect(await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cli' } })).toBe(201);
    expect(await post('/apis/apps/v1/namespaces/cli/deployments', deployment('marked', CRASHING))).toBe(201);
    expect(await post('/apis/apps/v1/namespaces/cli/deployments', deployment('sha', 'registry.example/kapten/mary:9badf00d1c7d4e5f60718293a4b5c6d7e8f90123'))).toBe(201);
    await eventually('the marked image to fail', async () => (await progressing('marked')) === 'ProgressDeadlineExceeded', 30_000);
    await eventually('the sha containing "bad" to roll out', async () => (await progressing('sha')) === 'NewReplicaSetAvailable', 30_000);
  });
});
