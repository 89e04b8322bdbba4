// Typed errors: a stable code, the one line a user reads, and log detail kept apart.

export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  ConfigNotFound: 'config_not_found',
  BadInput: 'bad_input',
  RenderFailed: 'render_failed',
  MissingEnvironmentValue: 'missing_environment_value',
  NotAuthorized: 'not_authorized',
  Conflict: 'conflict',
  ClusterUnavailable: 'cluster_unavailable',
  /** Redis (locks, approvals, progress messages) unreachable, or not answering for now. */
  StoreUnavailable: 'store_unavailable',
  GitFailed: 'git_failed',
  /** An OCI registry unreachable or failing (5xx); retryable. */
  RegistryUnavailable: 'registry_unavailable',
  /** The image of a release is not in the registry and cannot be built, or its build failed. */
  ImageUnavailable: 'image_unavailable',
  /** A datastore's dump or restore failed, or the datastore (or its snapshot) could not be reached. */
  DatastoreFailed: 'datastore_failed',
  Locked: 'locked',
  RolloutFailed: 'rollout_failed',
  /** The release phase (Procfile `release:`) of a release failed: nothing of the release was applied. */
  ReleasePhaseFailed: 'release_phase_failed',
  HistoryPending: 'history_pending',
  /** Stopped by the user (Ctrl-C in the shell) before anything was applied. */
  Cancelled: 'cancelled',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface NestorErrorOptions {
  /** Whether doing the same again may succeed (network, 5xx, conflicts), as opposed to bad input. */
  retryable?: boolean;
  /** For logs only: never shown to a chat user. Must not hold secret values. */
  detail?: Record<string, unknown>;
  cause?: unknown;
}

export class NestorError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly detail: Record<string, unknown>;

  constructor(code: ErrorCode, userMessage: string, options: NestorErrorOptions = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NestorError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.detail = options.detail ?? {};
  }

  /** The one line shown to a user. */
  get userMessage(): string {
    return this.message;
  }
}

/** One problem in a config file, positioned for `file:line:col` reporting. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** Key path inside the file, e.g. `scales.web.maxReplicas`; empty for the whole file. */
  keyPath: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.keyPath ? `${p.keyPath}: ` : '';
  return `${p.file}:${p.line}:${p.col}: ${where}${p.message}`;
}

/** Every problem of a configuration at once. */
export class ConfigError extends NestorError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const first = problems[0];
    const summary = first
      ? problems.length === 1
        ? formatProblem(first)
        : `${formatProblem(first)} (and ${problems.length - 1} more)`
      : 'invalid configuration';
    super(ErrorCode.ConfigInvalid, summary, { detail: { problems: problems.length } });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isNestorError(e: unknown): e is NestorError {
  return e instanceof NestorError;
}
