// CodeHost on GitHub.com or a GitHub Enterprise Server, through octokit's REST client. Auth is a
// token or a GitHub App installation (octokit's app strategy mints and renews installation
// tokens). No retries: every call is a side effect its caller logs and forgets, and a rate limit
// (403/429 with Retry-After) is not waited out by a release.
import { createAppAuth } from '@octokit/auth-app';
import { performance } from 'node:perf_hooks';
import { Octokit } from '@octokit/rest';
import { CallOutcome, httpCallOutcome } from '../../core/ports/metrics.js';
import { originRepo, type CodeHost, type CommitStatus, type DeploymentStatus, type HostedRepo } from '../../core/ports/code-host.js';
import type { CommitSummary } from '../../core/ports/source-repo.js';

export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: string; privateKey: string; installationId: number };

export interface OctokitCodeHostOptions {
  /** The REST API's base URL: https://api.github.com, or https://<host>/api/v3 for Enterprise. */
  apiUrl: string;
  /** The host git origins name for repositories of this GitHub (github.com, the Enterprise host). */
  gitHost: string;
  auth: GitHubAuth;
  /** Each call gives up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Every HTTP request to the API, once ended (for metrics). */
  onCall?: (call: GitHubCall) => void;
}

export interface GitHubCall {
  /** `POST /repos/{owner}/{repo}/deployments`: the route as the client names it (a closed set), or `other`. */
  route: string;
  outcome: CallOutcome;
  seconds: number;
}

/** The route's template: Octokit's endpoint methods give one; a whole URL (a page's link) is `other`. */
function routeOf(options: { method?: string; url?: string }): string {
  const url = options.url ?? '';
  return url.startsWith('/') && !/[?#]/.test(url) ? `${(options.method ?? 'GET').toUpperCase()} ${url}` : 'other';
}

const withTimeout = (ms: number): typeof fetch => (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(ms) });

export class OctokitCodeHost implements CodeHost {
  private readonly octokit: Octokit;
  private readonly gitHost: string;

  constructor(options: OctokitCodeHostOptions) {
    const request = { fetch: withTimeout(options.timeoutMs ?? 10_000) };
    const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    this.octokit = options.auth.kind === 'token'
      ? new Octokit({ baseUrl: options.apiUrl, auth: options.auth.token, request, log })
      : new Octokit({
        baseUrl: options.apiUrl, request, log, authStrategy: createAppAuth,
        auth: { appId: options.auth.appId, privateKey: options.auth.privateKey, installationId: options.auth.installationId },
      });
    this.gitHost = options.gitHost.toLowerCase();
    const onCall = options.onCall;
    if (onCall) {
      this.octokit.hook.wrap('request', async (request, endpoint) => {
        const start = performance.now();
        const told = (outcome: CallOutcome) => onCall({ route: routeOf(endpoint), outcome, seconds: (performance.now() - start) / 1000 });
        try {
          const response = await request(endpoint);
          told(httpCallOutcome(response.status));
          return response;
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          told(typeof status === 'number' ? httpCallOutcome(status) : CallOutcome.Network);
          throw error;
        }
      });
    }
  }

  repoOf(origin: string): HostedRepo | undefined {
    const parsed = originRepo(origin);
    return parsed?.host === this.gitHost ? parsed.repo : undefined;
  }

  async createDeployment(repo: HostedRepo, input: { ref: string; environment: string; description?: string }): Promise<number> {
    const { data } = await this.octokit.rest.repos.createDeployment({
      owner: repo.owner, repo: repo.name, ref: input.ref, environment: input.environment,
      // Nestor decides what to release: no merge of the default branch, no required checks.
      auto_merge: false, required_contexts: [],
      ...(input.description ? { description: input.description } : {}),
    });
    if (!('id' in data)) throw new Error(`GitHub created no deployment of ${input.ref} in ${repo.owner}/${repo.name}: ${data.message ?? 'no reason given'}`);
    return data.id;
  }

  async setDeploymentStatus(repo: HostedRepo, deploymentId: number, status: DeploymentStatus): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      owner: repo.owner, repo: repo.name, deployment_id: deploymentId, state: status.state, environment: status.environment,
      ...(status.description ? { description: status.description } : {}),
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      // The Deployment before it stays as it was: a failed release leaves the running one active.
      auto_inactive: status.state === 'success',
    });
  }

  async setCommitStatus(repo: HostedRepo, sha: string, status: CommitStatus): Promise<void> {
    await this.octokit.rest.repos.createCommitStatus({
      owner: repo.owner, repo: repo.name, sha, state: status.state, context: status.context,
      ...(status.description ? { description: status.description } : {}),
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    });
  }

  async compare(repo: HostedRepo, base: string, head: string, limit: number): Promise<CommitSummary[]> {
    const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
      owner: repo.owner, repo: repo.name, basehead: `${base}...${head}`, per_page: Math.min(limit, 100),
    });
    // The API lists commits oldest first; the changelog is newest first.
    return data.commits.slice(-limit).reverse().map((c) => ({
      sha: c.sha, author: c.commit.author?.name ?? c.author?.login ?? '', subject: c.commit.message.split('\n')[0] ?? '',
    }));
  }
}
