// One staging environment of generated apps on real parts where they matter: the config read
// from a folder (afresh at each release, as in production), the kube simulator over HTTP, a
// real git release history on a temp bare repository. App origins are in-memory (FakeSourceRepo):
// 130 real app repositories would only measure git clones.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { FolderConfigRepo } from '../../src/adapters/fs/folder-config-repo.js';
import { FolderConfigSource } from '../../src/adapters/fs/folder-config-source.js';
import { FakeSourceRepo } from '../../src/testkit/fakes/git/fake-source-repo.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import { KubeClusterProvider } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import { settlingClock, startKubeSimulator, typeOf, type KubeSimulator } from '../../src/testkit/kube-sim/index.js';
import { MemoryLocks } from '../../src/testkit/fakes/memory/memory-locks.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import type { ReleaseDeps } from '../../src/core/release/release-deps.js';
import type { GeneratedConfig } from '../generate-config.js';

export const ENV = 'staging';
export const CLUSTERS = ['acme-prod', 'acme-nonprod'];
const HISTORY_KEY = Buffer.alloc(32, 9).toString('base64');
const PROCFILE = 'web: node server.js\nworker: node worker.js\n';

export interface World {
  deps: ReleaseDeps;
  sim: KubeSimulator;
  configDir: string;
  close(): Promise<void>;
}

function writeConfig(dir: string, config: GeneratedConfig): void {
  for (const file of config.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
}

function originsOf(config: GeneratedConfig): FakeSourceRepo {
  const source = new FakeSourceRepo();
  for (const app of config.apps) source.commit(`git@example.test:acme/${app}.git`, 'main', 'initial', { Procfile: PROCFILE });
  return source;
}

function simKubeConfig(sim: KubeSimulator): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(sim.kubeconfig(CLUSTERS));
  return kubeConfig;
}

/** The staging namespace and each app's Secret, as `config set --secret` would have left them. */
function seedCluster(sim: KubeSimulator, config: GeneratedConfig): void {
  sim.store.create(typeOf('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ENV } });
  const data = Object.fromEntries(Object.entries(config.secretValues).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  for (const app of config.apps) {
    sim.store.create(typeOf('Secret'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-secrets`, namespace: ENV }, data });
  }
}

export async function openWorld(config: GeneratedConfig): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'nestor-bench-staging-'));
  const configDir = join(root, 'nestor-config');
  writeConfig(configDir, config);
  const remote = join(root, 'history.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  const sim = await startKubeSimulator({ port: 0, clock: 'manual', controllers: { readyDelayMs: 0 } });
  seedCluster(sim, config);
  const deps: ReleaseDeps = {
    config: new FolderConfigSource(configDir),
    configRepo: new FolderConfigRepo(configDir),
    source: originsOf(config),
    clusters: new KubeClusterProvider(simKubeConfig(sim)),
    history: new GitReleaseHistory({ remote, workDir: join(root, 'history-work'), key: HISTORY_KEY }),
    locks: new MemoryLocks(),
    clock: settlingClock(sim),
    wallClock: systemClock,
    environment: config.processEnv,
    tuning: { rolloutPollMs: 1000 },
  };
  return {
    deps, sim, configDir,
    close: async () => {
      await sim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
