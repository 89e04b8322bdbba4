// Port: where an app's repository is hosted (GitHub), for what a release and a build tell it:
// a Deployment per release with its statuses, a commit status per image build, and the
// changelog between two commits from the host rather than a git clone. Everything here is a side
// effect of a release or a build: callers log a failure and go on (see core/code-host/).
import type { CommitSummary } from './source-repo.js';

/** A repository on the host: `owner/name`. */
export interface HostedRepo {
  owner: string;
  name: string;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure';
export type CommitState = 'pending' | 'success' | 'failure';

export interface DeploymentStatus {
  state: DeploymentState;
  environment: string;
  description?: string;
  /** Where the release's progress can be read (its job), when known. */
  logUrl?: string;
}

export interface CommitStatus {
  state: CommitState;
  /** Names the check on the commit, e.g. `nestor/image`. */
  context: string;
  description?: string;
  targetUrl?: string;
}

export interface CodeHost {
  /** The repository a git origin names on this host; undefined when the origin is elsewhere (another host, a local path). */
  repoOf(origin: string): HostedRepo | undefined;
  /** A Deployment of `ref` (branch, tag or sha) to `environment`; its id for the statuses. */
  createDeployment(repo: HostedRepo, input: { ref: string; environment: string; description?: string }): Promise<number>;
  setDeploymentStatus(repo: HostedRepo, deploymentId: number, status: DeploymentStatus): Promise<void>;
  setCommitStatus(repo: HostedRepo, sha: string, status: CommitStatus): Promise<void>;
  /** Commits in `head` and not in `base`, newest first (at most `limit`). */
  compare(repo: HostedRepo, base: string, head: string, limit: number): Promise<CommitSummary[]>;
}

/** A git origin's host and path, for the forms git accepts: `git@host:o/r.git`, `ssh://git@host/o/r`, `https://host/o/r.git`. */
export function originRepo(origin: string): { host: string; repo: HostedRepo } | undefined {
  const scp = /^[^@/:]+@([^:/]+):(.+)$/.exec(origin);
  const url = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(origin);
  const match = scp ?? url;
  if (!match?.[1] || !match[2]) return undefined;
  const parts = match[2].replace(/\.git$/, '').replace(/\/$/, '').split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { host: match[1].toLowerCase(), repo: { owner: parts[0], name: parts[1] } };
}
