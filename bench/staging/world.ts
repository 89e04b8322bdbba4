// One staging environment of generated apps on real parts where they matter: the config read
// from a folder (afresh at each release, as in production), the kube simulator over HTTP in a
// process of its own with a latency per request, a real git release history on a temp bare
// repository, real time (rollouts are polled as in production, at rolloutPollMs). App origins are in-memory (FakeSourceRepo):
// 130 real app repositories would only measure git clones.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { FolderConfigRepo } from '../../src/adapters/fs/folder-config-repo.js';
import { FolderConfigSource } from '../../src/adapters/fs/folder-config-source.js';
import { FakeSourceRepo } from '../../src/testkit/fakes/git/fake-source-repo.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import { KubeClusterProvider } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import { kubeconfigYaml, type KubeObject } from '../../src/testkit/kube-sim/index.js';
import { MemoryLocks } from '../../src/testkit/fakes/memory/memory-locks.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import type { ReleaseDeps } from '../../src/core/release/release-deps.js';
import { writeConfigFolder, type GeneratedConfig } from '../generate-config.js';
import type { SimProcessCpu, SimProcessCpuAsk, SimProcessReady, SimProcessSeed, SimProcessSeeded } from './sim-process.js';

export const ENV = 'staging';
export const CLUSTERS = ['acme-prod', 'acme-nonprod'];
const HISTORY_KEY = Buffer.alloc(32, 9).toString('base64');
const PROCFILE = 'web: node server.js\nworker: node worker.js\n';

/** A poll per ~20 round trips of a 5 ms cluster: a rollout ready at once costs one poll, one ready later waits a little. */
export const ROLLOUT_POLL_MS = 100;

export interface SimProcess {
  url: string;
  /** Creates the objects in the simulator's store directly (no latency, no apply). */
  seed(objects: KubeObject[]): Promise<void>;
  /** CPU time (user + system) the simulator's process has used so far, in ms, and the requests it has received. */
  usage(): Promise<SimProcessCpu>;
  close(): Promise<void>;
}

export interface World {
  deps: ReleaseDeps;
  sim: SimProcess;
  configDir: string;
  close(): Promise<void>;
}

/**
 * Forks bench/staging/sim-process.js (compiled next to this file) and waits for its URL.
 * `controllers: 'manual'`: its controllers never act (see sim-process.ts).
 */
export async function startSimProcess(latencyMs: number, controllers: 'real' | 'manual' = 'real'): Promise<SimProcess> {
  const args = ['--latency-ms', String(latencyMs), '--controllers', controllers];
  const child: ChildProcess = fork(join(dirname(fileURLToPath(import.meta.url)), 'sim-process.js'), args, { stdio: 'inherit' });
  const next = <T>(): Promise<T> => new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`the simulator process exited (${code ?? 'signal'})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
  const { url } = await next<SimProcessReady>();
  return {
    url,
    seed: async (objects) => {
      const seeded = next<SimProcessSeeded>();
      child.send({ seed: objects } satisfies SimProcessSeed);
      await seeded;
    },
    usage: async () => {
      const answer = next<SimProcessCpu>();
      child.send({ cpu: true } satisfies SimProcessCpuAsk);
      return answer;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

const originOf = (app: string): string => `git@example.test:acme/${app}.git`;

function originsOf(config: GeneratedConfig): FakeSourceRepo {
  const source = new FakeSourceRepo();
  for (const app of config.apps) source.commit(originOf(app), 'main', 'initial', { Procfile: PROCFILE });
  return source;
}

/** A new commit on each app's `main`: the next release deploys a new version. */
export function moveMain(world: World, apps: readonly string[]): void {
  const origins = world.deps.source as FakeSourceRepo;
  for (const app of apps) origins.commit(originOf(app), 'main', 'next', {});
}

export function simKubeConfig(url: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigYaml(CLUSTERS.map((name) => ({ name, server: url }))));
  return kubeConfig;
}

/** The staging namespace and each app's Secret, as `config set --secret` would have left them. */
export function seedObjects(config: GeneratedConfig): KubeObject[] {
  const data = Object.fromEntries(Object.entries(config.secretValues).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ENV } },
    ...config.apps.map((app) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-secrets`, namespace: ENV }, data })),
  ];
}

export async function openWorld(config: GeneratedConfig, latencyMs: number): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'nestor-bench-staging-'));
  const configDir = join(root, 'nestor-config');
  writeConfigFolder(configDir, config);
  const remote = join(root, 'history.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  const sim = await startSimProcess(latencyMs);
  await sim.seed(seedObjects(config));
  const deps: ReleaseDeps = {
    config: new FolderConfigSource(configDir),
    configRepo: new FolderConfigRepo(configDir),
    source: originsOf(config),
    clusters: new KubeClusterProvider(simKubeConfig(sim.url)),
    history: new GitReleaseHistory({ remote, workDir: join(root, 'history-work'), key: HISTORY_KEY }),
    locks: new MemoryLocks(),
    clock: systemClock,
    wallClock: systemClock,
    environment: config.processEnv,
    tuning: { rolloutPollMs: ROLLOUT_POLL_MS },
  };
  return {
    deps, sim, configDir,
    close: async () => {
      await sim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
