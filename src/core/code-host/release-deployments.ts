// A Deployment on the code host for each release of an app whose origin is hosted there: created
// in_progress when a deploy starts (its ref is known then), success or failure when it ends. A
// release whose version is known only at its end (rollback, scale, config change) gets its
// Deployment then, with its final status. Calls run beside the release, never holding it up;
// `settled()` waits for those in flight (shutdown, tests).
import { appConfig } from '../config/app-config.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { CodeHost, DeploymentState, HostedRepo } from '../ports/code-host.js';
import type { ReleaseResult } from '../release/release-deps.js';
import { sideEffect, type SideEffectFailures } from './side-effect.js';

export interface ReleaseDeploymentsDeps {
  host: CodeHost;
  config: ConfigSource;
  failures: SideEffectFailures;
  /** Where a job's progress can be read, for the statuses' log_url (e.g. the API's job route). */
  logUrl?: (jobId: string) => string;
}

export interface ReleaseStart {
  app: string;
  env: string;
  jobId: string;
  /** The ref released, when known before the release runs (a deploy's). */
  ref?: string;
}

const FINAL: Partial<Record<ReleaseResult['outcome'], DeploymentState>> = { released: 'success', failed: 'failure', 'rolled-back': 'failure' };

export class ReleaseDeployments {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: ReleaseDeploymentsDeps) {}

  /** Starts tracking a release; the returned function takes its result. Never throws. */
  begin(start: ReleaseStart): (result: ReleaseResult) => void {
    const repo = this.background(this.repoOf(start));
    const created = start.ref === undefined ? undefined : this.background(this.create(repo, start, start.ref, 'in_progress'));
    return (result) => {
      const state = FINAL[result.outcome];
      if (state === undefined) return;
      this.background((async () => {
        const id = created ? await created : result.sha ? await this.create(repo, start, result.sha, undefined) : undefined;
        if (id !== undefined) await this.status(await repo, start, id, state, result.message);
      })());
    };
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private background<T>(work: Promise<T>): Promise<T> {
    const kept = work.finally(() => this.inFlight.delete(kept));
    this.inFlight.add(kept);
    return kept;
  }

  private async repoOf(start: ReleaseStart): Promise<HostedRepo | undefined> {
    try {
      const origin = appConfig((await this.deps.config.load()).tree, start.app, start.env).config.git?.origin;
      return origin === undefined ? undefined : this.deps.host.repoOf(origin);
    } catch {
      return undefined; // the release itself says what is wrong with its config
    }
  }

  private async create(repo: Promise<HostedRepo | undefined>, start: ReleaseStart, ref: string, first: DeploymentState | undefined): Promise<number | undefined> {
    const where = await repo;
    if (where === undefined) return undefined;
    const id = await sideEffect(this.deps.failures, 'deployment', `${where.owner}/${where.name} ${start.env}`, () =>
      this.deps.host.createDeployment(where, { ref, environment: start.env, description: `${start.app} ${ref} to ${start.env} (job ${start.jobId})` }));
    if (id !== undefined && first !== undefined) await this.status(where, start, id, first, `releasing ${ref}`);
    return id;
  }

  private async status(repo: HostedRepo | undefined, start: ReleaseStart, id: number, state: DeploymentState, description: string): Promise<void> {
    if (repo === undefined) return;
    const logUrl = this.deps.logUrl?.(start.jobId);
    await sideEffect(this.deps.failures, 'deployment-status', `${repo.owner}/${repo.name} deployment ${id}`, () =>
      this.deps.host.setDeploymentStatus(repo, id, { state, environment: start.env, description: description.slice(0, 140), ...(logUrl ? { logUrl } : {}) }));
  }
}
