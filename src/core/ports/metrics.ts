// Port: what Nestor counts about its own work, for operators (Prometheus in the long-running
// processes, adapters/observability/prometheus-metrics.ts; nothing in the CLI). Label values are
// closed sets named here, so that a metric's series stay few whatever the input.

/** The systems Nestor calls: their errors and retries are counted apart. */
export const ExternalSystem = {
  Kubernetes: 'kubernetes',
  Git: 'git',
  Slack: 'slack',
  GitHub: 'github',
  Registry: 'registry',
} as const;
export type ExternalSystem = (typeof ExternalSystem)[keyof typeof ExternalSystem];

/**
 * How a rollout ended, counted once per job that rolled something out: it became available
 * (succeeded); it failed and the last good release was put back (rolled_back); it failed and
 * nothing could be put back, or the rollback failed too (failed).
 */
export const RolloutOutcome = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  RolledBack: 'rolled_back',
} as const;
export type RolloutOutcome = (typeof RolloutOutcome)[keyof typeof RolloutOutcome];

/**
 * How one HTTP attempt at the Slack Web API (or a response_url) ended: Slack answered `ok`; it
 * answered `ok: false` (api_error: a refused call, or one of its own transient errors); a 429
 * (rate_limited), a 5xx (server), another status (client); or no answer at all (network).
 */
export const SlackCallOutcome = {
  Ok: 'ok',
  ApiError: 'api_error',
  RateLimited: 'rate_limited',
  Server: 'server',
  Client: 'client',
  Network: 'network',
} as const;
export type SlackCallOutcome = (typeof SlackCallOutcome)[keyof typeof SlackCallOutcome];

/**
 * How one call to another system ended, for its duration: answered (ok); answered with a 4xx
 * other than 429 (client: a read of something absent is one); a 429 (rate_limited), a 5xx
 * (server); no answer (network); Slack's refusal in a 200 (api_error); or a git process that
 * failed (failed).
 */
export const CallOutcome = {
  Ok: 'ok',
  ApiError: 'api_error',
  Client: 'client',
  RateLimited: 'rate_limited',
  Server: 'server',
  Network: 'network',
  Failed: 'failed',
} as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

/** The outcome of an HTTP answer's status. */
export function httpCallOutcome(status: number): CallOutcome {
  if (status === 429) return CallOutcome.RateLimited;
  if (status >= 500) return CallOutcome.Server;
  return status >= 400 ? CallOutcome.Client : CallOutcome.Ok;
}

export interface Metrics {
  /** A job attempt ended: `outcome` is its result's (released, rolled-back...) or error/retrying when it threw. */
  jobEnded(kind: string, outcome: string, seconds: number): void;
  /** One stage of a job (resolve, render, apply, rollout...) ended, however it ended. */
  stepEnded(kind: string, step: string, seconds: number): void;
  rolloutEnded(outcome: RolloutOutcome): void;
  /** A call to another system failed (`kind`: what failed, e.g. server, network, rate_limited). */
  externalError(system: ExternalSystem, kind: string): void;
  /** A failed call is tried again after a wait. */
  externalRetry(system: ExternalSystem, kind: string): void;
  /** One HTTP attempt at Slack ended (`method`: the Web API method, or `response_url`). */
  slackCall(method: string, outcome: SlackCallOutcome): void;
  /**
   * One call to another system ended, each attempt of a retried one apart. `operation` is from a
   * closed set of its system's: an HTTP method (kubernetes, registry), a route (github), a Web API
   * method (slack), a git command (git).
   */
  externalCall(system: ExternalSystem, operation: string, outcome: CallOutcome, seconds: number): void;
}

/** Counts nothing: the CLI and the shell, whose runs end with the command. */
export const NO_METRICS: Metrics = {
  jobEnded: () => undefined,
  stepEnded: () => undefined,
  rolloutEnded: () => undefined,
  externalError: () => undefined,
  externalRetry: () => undefined,
  slackCall: () => undefined,
  externalCall: () => undefined,
};
