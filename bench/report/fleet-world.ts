// A whole fleet already released, for the sync report's bench: every app of every generated
// environment rendered as a release renders it, its objects created in the kube simulator (a
// process of its own with a latency per request, bench/staging/world.ts) and its release recorded
// in a real git history (all records asked at once: the history commits them in batches), or in
// the in-memory history of the testkit (`memory`: the git history reads each release with a few
// git processes, one after the other, which at 25 × 130 would be all the bench measures). A few
// Deployments are edited live, so some apps drift. App origins are in memory, as in the staging bench.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderConfigSource } from '../../src/adapters/fs/folder-config-source.js';
import { loadTemplateSet } from '../../src/adapters/fs/templates.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import { KubeClusterProvider } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { appConfig, appsOf, loadConfigTree } from '../../src/core/config/index.js';
import type { SyncReportDeps } from '../../src/core/fleet/sync-report.js';
import { configuredConfig, renderConfiguredApp, toYaml } from '../../src/core/render/index.js';
import { configHash } from '../../src/core/release/run-release.js';
import { FakeReleaseHistory } from '../../src/testkit/fakes/git/fake-release-history.js';
import { FakeSourceRepo } from '../../src/testkit/fakes/git/fake-source-repo.js';
import type { KubeObject as StoredObject } from '../../src/testkit/kube-sim/index.js';
import { writeConfigFolder, type GeneratedConfig } from '../generate-config.js';
import { simKubeConfig, startSimProcess, type SimProcess } from '../staging/world.js';

const HISTORY_KEY = Buffer.alloc(32, 9).toString('base64');
const PROCFILE = 'web: node server.js\nworker: node worker.js\n';
/** Every DRIFT_EVERY-th app-environment has its web Deployment edited live. */
export const DRIFT_EVERY = 50;

export interface FleetWorld {
  deps: SyncReportDeps;
  /** Every app-environment released, as [env, app]. */
  released: [string, string][];
  close(): Promise<void>;
}

export type HistoryKind = 'git' | 'memory';

export async function openFleetWorld(config: GeneratedConfig, latencyMs: number, kind: HistoryKind): Promise<FleetWorld> {
  const root = mkdtempSync(join(tmpdir(), 'nestor-bench-report-'));
  const configDir = join(root, 'nestor-config');
  writeConfigFolder(configDir, config);
  const remote = join(root, 'history.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  const source = new FakeSourceRepo();
  const shas = new Map(config.apps.map((app) => [app, source.commit(`git@example.test:acme/${app}.git`, 'main', 'initial', { Procfile: PROCFILE })]));
  const history = kind === 'git' ? new GitReleaseHistory({ remote, workDir: join(root, 'history-work'), key: HISTORY_KEY }) : new FakeReleaseHistory({ key: HISTORY_KEY });
  const tree = loadConfigTree(config.files);
  const templates = await loadTemplateSet();
  const released: [string, string][] = [];
  // By kind, namespace and name: every app renders its environment's Namespace.
  const live = new Map<string, StoredObject>();
  const records: Promise<unknown>[] = [];
  for (const env of config.environments) {
    for (const app of appsOf(tree, env)) {
      const sha = shas.get(app) ?? '';
      const merged = appConfig(tree, app, env);
      const rendered = renderConfiguredApp({
        tree, templates, app, env, merged, environment: config.processEnv, secretValues: config.secretValues, version: { sha, ref: 'main' }, procfile: PROCFILE,
      });
      const drifted = released.length % DRIFT_EVERY === 0;
      for (const o of rendered.clusters.flatMap((c) => c.objects)) {
        // The simulator's store takes plain JSON objects, which rendered objects are.
        live.set(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, (drifted && o.kind === 'Deployment' ? { ...o, spec: { ...(o['spec'] as object), replicas: 5 } } : o) as unknown as StoredObject);
      }
      records.push(history.record({
        app, env, kind: 'deploy',
        manifestsByCluster: Object.fromEntries(rendered.clusters.map((c) => [c.cluster, toYaml(c.objects)])),
        record: { ref: 'main', sha, configHash: configHash(configuredConfig(merged, config.processEnv), PROCFILE), user: 'bench', at: new Date().toISOString(), jobId: `seed-${env}-${app}` },
      }));
      released.push([env, app]);
    }
  }
  // A settled fleet, only read: the controllers would make pods for every Deployment, for minutes.
  const sim: SimProcess = await startSimProcess(latencyMs, 'manual');
  await Promise.all([sim.seed([...live.values()]), ...records]);
  return {
    deps: {
      config: new FolderConfigSource(configDir), source, history, environment: config.processEnv, wallClock: systemClock,
      clusters: new KubeClusterProvider(simKubeConfig(sim.url)),
    },
    released,
    close: async () => {
      await sim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
