// The `kubectl kustomize` baseline: one app-environment as a base (the objects Nestor renders
// for one generated app) and an overlay that patches it, built by the real binary, no shell.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toYaml, type KubeObject } from '../../src/core/render/index.js';
import { timedAsync } from '../lib/measure.js';

const run = promisify(execFile);
const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

/** web+worker Deployments, Service, HPA, Ingress, ConfigMap, Secret: the PERF.md app-environment. */
const WANTED: Record<string, number> = { Deployment: 2, Service: 1, HorizontalPodAutoscaler: 1, Ingress: 1, ConfigMap: 1, Secret: 1 };

export function sevenObjects(objects: readonly KubeObject[]): KubeObject[] {
  const left = { ...WANTED };
  return objects.filter((o) => {
    const n = left[o.kind] ?? 0;
    left[o.kind] = n - 1;
    return n > 0;
  });
}

/** A base + overlay on disk, built by one `kubectl kustomize` process per `build()`. */
export interface KustomizeSession {
  objects: number;
  /** The overlay's namespace, variable and replicas are in the output of the first build. */
  patched: boolean;
  /** Milliseconds of one build. */
  build(): Promise<number>;
  close(): Promise<void>;
}

/** The kubectl client and kustomize versions, or undefined when kubectl cannot be run. */
export async function kubectlVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run(KUBECTL, ['version', '--client']);
    const client = /Client Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown';
    const kustomize = /Kustomize Version: (\S+)/.exec(stdout)?.[1] ?? 'unknown';
    return `kubectl ${client}, kustomize ${kustomize}`;
  } catch {
    return undefined;
  }
}

async function writeTree(dir: string, app: string, objects: readonly KubeObject[]): Promise<string> {
  await mkdir(join(dir, 'base'));
  await mkdir(join(dir, 'overlay'));
  const bare = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: undefined } }));
  await writeFile(join(dir, 'base', 'app.yaml'), toYaml(bare as KubeObject[]));
  await writeFile(join(dir, 'base', 'kustomization.yaml'), 'resources:\n  - app.yaml\n');
  await writeFile(join(dir, 'overlay', 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources: [../base]',
    'namespace: dev3',
    'labels: [ { pairs: { nestor.io/environment: dev3 } } ]',
    `replicas: [ { name: ${app}-web, count: 2 } ]`,
    'patches:',
    `  - target: { kind: ConfigMap, name: ${app} }`,
    '    patch: |-',
    '      - { op: add, path: /data/LOG_LEVEL, value: debug }',
    '',
  ].join('\n'));
  return join(dir, 'overlay');
}

/** Writes the tree and builds it once (warm-up, file cache, output check). */
export async function openKustomize(app: string, objects: readonly KubeObject[]): Promise<KustomizeSession> {
  const dir = await mkdtemp(join(tmpdir(), 'nestor-bench-kustomize-'));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    const overlay = await writeTree(dir, app, objects);
    const kustomize = () => run(KUBECTL, ['kustomize', overlay], { maxBuffer: 16 * 1024 * 1024 });
    const { stdout } = await kustomize();
    const patched = /namespace: dev3/.test(stdout) && /LOG_LEVEL: debug/.test(stdout) && /replicas: 2/.test(stdout);
    return { objects: objects.length, patched, close, build: async () => (await timedAsync(kustomize)).ms };
  } catch (e) {
    await close();
    throw e;
  }
}
