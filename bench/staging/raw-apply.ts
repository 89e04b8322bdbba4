// The floor of a staging release: the same rendered manifests server-side applied straight over
// HTTP (no kubectl, no Nestor: no diff, rollout wait, history), one PATCH per object, each app's
// objects in order and `parallelism` apps at a time, on a keep-alive agent; over the objects of
// a previous version when the release's fleet is already released.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { loadTemplateSet } from '../../src/adapters/fs/templates.js';
import { loadConfigTree } from '../../src/core/config/index.js';
import { renderConfiguredApp } from '../../src/core/render/index.js';
import type { KubeObject } from '../../src/core/render/types.js';
import { RESOURCE_TYPES } from '../../src/testkit/kube-sim/index.js';
import type { GeneratedConfig } from '../generate-config.js';
import { startCpuMeter, type CpuSpent } from './cpu-meter.js';
import { ENV, startSimProcess, seedObjects } from './world.js';

export interface RawApplyRun {
  totalMs: number;
  objects: number;
  cpu: CpuSpent;
}

/** Every app's objects, rendered as the release renders them (pure, before timing starts). */
export async function renderedObjects(config: GeneratedConfig, apps: readonly string[], sha = 'f'.repeat(40)): Promise<KubeObject[][]> {
  const tree = loadConfigTree(config.files);
  const templates = await loadTemplateSet();
  return apps.map((app) => renderConfiguredApp({
    tree, templates, app, env: ENV, environment: config.processEnv, secretValues: config.secretValues,
    version: { sha, ref: 'main' }, procfile: 'web: node server.js\nworker: node worker.js\n',
  }).clusters.flatMap((c) => c.objects));
}

function pathOf(obj: KubeObject): string {
  const type = RESOURCE_TYPES.find((t) => (t.group === '' ? t.version : `${t.group}/${t.version}`) === obj.apiVersion && t.kind === obj.kind);
  if (!type) throw new Error(`no resource type for ${obj.apiVersion} ${obj.kind}`);
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const namespace = type.namespaced ? `/namespaces/${obj.metadata.namespace ?? ENV}` : '';
  return `${base}${namespace}/${type.plural}/${obj.metadata.name}?fieldManager=nestor&fieldValidation=Strict`;
}

function patch(agent: http.Agent, url: string, obj: KubeObject): Promise<void> {
  const body = JSON.stringify(obj);
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${pathOf(obj)}`, {
      method: 'PATCH', agent, headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 || res.statusCode === 201 ? resolve() : reject(new Error(`${res.statusCode ?? 0} applying ${obj.kind} ${obj.metadata.name}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `before`: objects applied first, not measured (the fleet as a previous release left it). */
export async function rawApply(
  config: GeneratedConfig, objectsByApp: readonly KubeObject[][], parallelism: number, latencyMs: number, before: readonly KubeObject[][] = [],
): Promise<RawApplyRun> {
  const sim = await startSimProcess(latencyMs);
  const agent = new http.Agent({ keepAlive: true });
  try {
    await sim.seed(seedObjects(config));
    const limit = pLimit(parallelism);
    const applyAll = (all: readonly KubeObject[][]) => Promise.all(all.map((objects) => limit(async () => {
      for (const obj of objects) await patch(agent, sim.url, obj);
    })));
    await applyAll(before);
    const cpuSince = await startCpuMeter(sim);
    const start = performance.now();
    await applyAll(objectsByApp);
    const totalMs = performance.now() - start;
    return { totalMs, objects: objectsByApp.reduce((n, o) => n + o.length, 0), cpu: await cpuSince() };
  } finally {
    agent.destroy();
    await sim.close();
  }
}
