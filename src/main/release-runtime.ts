// Composition of the release pipelines' dependencies for processes that run them in-process
// (the CLI, the shell): real git, a kubeconfig, file locks under the state folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { FileLocks } from '../adapters/fs/file-locks.js';
import { FolderConfigRepo } from '../adapters/fs/folder-config-repo.js';
import { FolderConfigSource } from '../adapters/fs/folder-config-source.js';
import { stateFolder } from '../adapters/fs/state-folder.js';
import { CONFIG_CLONE_FOLDER, configLocation, isRepositoryUrl, type ConfigLocation } from '../adapters/git/config-location.js';
import { sharedConfig } from '../adapters/git/git-config-source.js';
import { GitAppBranches } from '../adapters/git/git-app-branches.js';
import { GitReleaseHistory } from '../adapters/git/git-release-history.js';
import { GitSourceRepo } from '../adapters/git/git-source-repo.js';
import { KubeClusterProvider, kubeConfigFromFile } from '../adapters/kube/client/kube-cluster-provider.js';
import type { KubeRetryPolicy } from '../adapters/kube/client/retry.js';
import type { GitRun } from '../adapters/git/git-process.js';
import { systemClock } from '../adapters/system/system-clock.js';
import type { ClusterProvider } from '../core/ports/cluster.js';
import type { ReleaseDeps, ReleaseTuning } from '../core/release/release-deps.js';

export { withImages } from './image-runtime.js';

export interface RuntimeSettings {
  /** nestor-config: a folder read in place, or a repository shared through a clone in the state folder. */
  config: ConfigLocation;
  /** Where Nestor keeps its own files: locks, git mirrors, working clones, the default history. */
  stateDir: string;
  /** The history repository: a path or URL; default a bare repository in the state folder. */
  history?: string;
  historyKey?: string;
  kubeconfig?: string;
  environment: Readonly<Record<string, string | undefined>>;
  clusters?: ClusterProvider;
  /** The Kubernetes client's retry hooks (the worker's metrics). */
  kubeRetry?: Partial<KubeRetryPolicy>;
  /** A history write left pending (the worker's metrics). */
  onHistoryPushFailed?: (reason: string) => void;
  /** A history push refused and tried again (the worker's metrics). */
  onHistoryPushRetry?: () => void;
  /** Every git process run for the config, the sources, the branches and the history (the worker's metrics). */
  onGitRun?: (run: GitRun) => void;
  tuning?: Partial<ReleaseTuning>;
}

/** `--flag`, then the environment variable, then the default. */
export function runtimeSettings(
  cwd: string, env: Readonly<Record<string, string | undefined>>,
  options: { config?: string; history?: string; kubeconfig?: string; state?: string },
): RuntimeSettings {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const stateDir = stateFolder(cwd, env, options.state);
  const history = options.history ?? env.NESTOR_HISTORY;
  const kubeconfig = options.kubeconfig ?? env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  return {
    config: configLocation(options.config ?? env.NESTOR_CONFIG ?? 'nestor-config', cwd),
    stateDir,
    ...(history ? { history: isRepositoryUrl(history) ? history : at(history) } : {}),
    ...(env.NESTOR_HISTORY_KEY ? { historyKey: env.NESTOR_HISTORY_KEY } : {}),
    kubeconfig: at(kubeconfig),
    environment: env,
  };
}

/** The default history: a local bare repository, created on first use. */
function ensureLocalHistory(stateDir: string): string {
  const bare = join(stateDir, 'history.git');
  if (!existsSync(bare)) {
    mkdirSync(stateDir, { recursive: true });
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare], { stdio: 'ignore' });
  }
  return bare;
}

export function releaseDeps(settings: RuntimeSettings): ReleaseDeps {
  const state = (name: string) => join(settings.stateDir, name);
  const historyRemote = settings.history ?? ensureLocalHistory(settings.stateDir);
  const git = settings.onGitRun ? { onRun: settings.onGitRun } : {};
  return {
    ...(settings.config.kind === 'folder'
      ? { config: new FolderConfigSource(settings.config.dir), configRepo: new FolderConfigRepo(settings.config.dir) }
      : sharedConfig(settings.config.remote, state(CONFIG_CLONE_FOLDER), git)),
    source: new GitSourceRepo({ cacheDir: state('mirrors'), ...git }),
    // Mirrors of their own: the SourceRepo's are read while these are written (the branch workflow, `release.moves_branch`).
    branches: new GitAppBranches({ cacheDir: state('workflow-mirrors'), ...git }),
    clusters: settings.clusters ?? new KubeClusterProvider(() => kubeConfigFromFile(settings.kubeconfig ?? ''), settings.kubeRetry ? { retry: settings.kubeRetry } : {}),
    history: new GitReleaseHistory({
      remote: historyRemote, workDir: state('history-work'), ...git, ...(settings.historyKey ? { key: settings.historyKey } : {}),
      ...(settings.onHistoryPushFailed ? { onPushFailed: settings.onHistoryPushFailed } : {}),
      ...(settings.onHistoryPushRetry ? { onPushRetry: settings.onHistoryPushRetry } : {}),
    }),
    locks: new FileLocks({ dir: state('locks') }),
    clock: systemClock,
    wallClock: systemClock,
    environment: settings.environment,
    ...(settings.tuning ? { tuning: settings.tuning } : {}),
  };
}
