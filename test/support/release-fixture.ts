// A whole release setup on real parts: the example nestor-config in a temp folder pointing at a
// real app git repository, a bare history repository, the kube simulator, and a clock that
// lets the simulator's controllers settle instead of sleeping.
import { join } from 'node:path';
import { perTest } from './per-test.js';
import { FolderConfigRepo } from '../../src/adapters/fs/folder-config-repo.js';
import { FolderConfigSource } from '../../src/adapters/fs/folder-config-source.js';
import { GitAppBranches } from '../../src/adapters/git/git-app-branches.js';
import { GitReleaseHistory } from '../../src/adapters/git/git-release-history.js';
import { GitSourceRepo } from '../../src/adapters/git/git-source-repo.js';
import { KubeClusterProvider } from '../../src/adapters/kube/client/kube-cluster-provider.js';
import type { KubeRetryPolicy } from '../../src/adapters/kube/client/retry.js';
import { settlingClock, startKubeSimulator, type KubeSimulator } from '../../src/testkit/kube-sim/index.js';
import { MemoryLocks } from '../../src/testkit/fakes/memory/memory-locks.js';
import { InstantClock } from '../../src/testkit/fakes/time/instant-clock.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import type { ReleaseEvent } from '../../src/core/release/events.js';
import type { ReleaseContext, ReleaseDeps } from '../../src/core/release/release-deps.js';
import { exampleConfigRepo } from './config-fixtures.js';
import { makeAppRepo, makeBareRepo, tempDir, type AppRepoShas } from './git-fixtures.js';
import { simKubeConfig } from './kube-sim-provider.js';

export const CLUSTERS = ['kapten_production_eu-w1', 'kapten_staging_eu-w1', 'kapten_shadow_eu-w1', 'kapten_dev_eu-w1'];
export const HISTORY_KEY = Buffer.alloc(32, 7).toString('base64');

export interface ReleaseFixture {
  deps: ReleaseDeps;
  sim: KubeSimulator;
  app: { dir: string; shas: AppRepoShas };
  configDir: string;
  historyRemote: string;
  history: GitReleaseHistory;
  events: ReleaseEvent[];
  ctx(user?: string, jobId?: string): ReleaseContext;
  close(): Promise<void>;
}

export interface ReleaseFixtureOptions {
  historyKey?: string;
  /** Overrides of the cluster client's retry policy (e.g. a short per-request `timeoutMs`). */
  retry?: Partial<KubeRetryPolicy>;
  /** The simulator serves prometheus-operator's kinds (default true). */
  prometheusOperator?: boolean;
}

export async function releaseFixture(options: ReleaseFixtureOptions = {}): Promise<ReleaseFixture> {
  // No image fails unless a test marks it: `sim.controllers.options.crashingImages = [sha]`.
  const sim = await startKubeSimulator({
    port: 0, clock: 'manual', controllers: { readyDelayMs: 0 }, ...(options.prometheusOperator === false ? { prometheusOperator: false } : {}),
  });
  const root = tempDir('nestor-release-');
  const app = makeAppRepo(root);
  const configDir = exampleConfigRepo(root, app.dir);
  const historyRemote = makeBareRepo(join(root));
  const key = 'historyKey' in options ? options.historyKey : HISTORY_KEY;
  const history = new GitReleaseHistory({ remote: historyRemote, workDir: join(root, 'history-work'), ...(key ? { key } : {}) });
  const events: ReleaseEvent[] = [];
  let jobs = 0;
  const deps: ReleaseDeps = {
    config: new FolderConfigSource(configDir),
    configRepo: new FolderConfigRepo(configDir),
    source: new GitSourceRepo({ cacheDir: join(root, 'mirrors') }),
    branches: new GitAppBranches({ cacheDir: join(root, 'workflow-mirrors') }),
    clusters: new KubeClusterProvider(simKubeConfig(sim, CLUSTERS), { retry: { clock: new InstantClock(), ...options.retry } }),
    history,
    locks: new MemoryLocks(),
    clock: settlingClock(sim),
    wallClock: systemClock,
    environment: {},
    tuning: { rolloutPollMs: 1000, rolloutGraceMs: 5000, lockPollMs: 20 },
  };
  return {
    deps, sim, app, configDir, historyRemote, history, events,
    ctx: (user = 'alice', jobId = `job-${++jobs}`) => ({ user, jobId, onEvent: (e) => events.push(e) }),
    close: () => sim.close(),
  };
}

/**
 * A fresh fixture for each test of the file or `describe` block that calls it:
 * `const f = useReleaseFixture();`, then `f.deps` inside a test. Closed after each test.
 */
export function useReleaseFixture(options: ReleaseFixtureOptions = {}): ReleaseFixture {
  return perTest('the release fixture', () => releaseFixture(options), (f) => f.close());
}
