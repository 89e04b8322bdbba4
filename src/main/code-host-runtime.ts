// GitHub in the processes that release (the worker, the CLI): from settings, an octokit CodeHost whose
// side effects wrap the release deps (the changelog from compare, commit statuses of builds) and
// a ReleaseDeployments for the announcer. No setting names a GitHub: releases run as before.
// Tokens and keys are read here and handed to octokit only: never logged.
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { OctokitCodeHost, type GitHubAuth, type GitHubCall } from '../adapters/github/octokit-code-host.js';
import { withBuildStatuses } from '../core/code-host/build-statuses.js';
import { withHostedChangelog } from '../core/code-host/hosted-changelog.js';
import { ReleaseDeployments } from '../core/code-host/release-deployments.js';
import { CountedFailures } from '../core/code-host/side-effect.js';
import { ErrorCode, NestorError } from '../core/errors.js';
import type { ReleaseDeps } from '../core/release/release-deps.js';
import { httpFailureKind } from '../adapters/observability/external-metrics.js';
import { ExternalSystem, NO_METRICS, type Metrics } from '../core/ports/metrics.js';
import { nestorLogger } from './logger.js';

type Env = Readonly<Record<string, string | undefined>>;

export const GITHUB_API = 'https://api.github.com';

const missing = (name: string, because: string) => new NestorError(ErrorCode.BadInput, `${name} is not set: ${because}`);

function authOf(env: Env): GitHubAuth | undefined {
  if (env.NESTOR_GITHUB_TOKEN) return { kind: 'token', token: env.NESTOR_GITHUB_TOKEN };
  const appId = env.NESTOR_GITHUB_APP_ID;
  if (!appId) return undefined;
  const because = `NESTOR_GITHUB_APP_ID names a GitHub App, which also needs it`;
  const keyFile = env.NESTOR_GITHUB_PRIVATE_KEY_FILE;
  const privateKey = env.NESTOR_GITHUB_PRIVATE_KEY ?? (keyFile ? readFileSync(keyFile, 'utf8') : undefined);
  if (!privateKey) throw missing('NESTOR_GITHUB_PRIVATE_KEY (or NESTOR_GITHUB_PRIVATE_KEY_FILE)', because);
  const installation = env.NESTOR_GITHUB_INSTALLATION_ID;
  if (!installation) throw missing('NESTOR_GITHUB_INSTALLATION_ID', because);
  if (!/^\d+$/.test(installation)) throw new NestorError(ErrorCode.BadInput, `NESTOR_GITHUB_INSTALLATION_ID is "${installation}": expected the installation's number`);
  return { kind: 'app', appId, privateKey, installationId: Number(installation) };
}

/** The host git origins name: github.com for the public API, the Enterprise server's own host otherwise. */
function gitHostOf(apiUrl: string): string {
  const host = new URL(apiUrl).hostname;
  return host === 'api.github.com' ? 'github.com' : host;
}

export interface CodeHostRuntime {
  deps: ReleaseDeps;
  deployments?: ReleaseDeployments;
}

export function withCodeHost(deps: ReleaseDeps, env: Env, logger: Logger, metrics: Metrics = NO_METRICS): CodeHostRuntime {
  const auth = authOf(env);
  if (auth === undefined) return { deps };
  const apiUrl = env.NESTOR_GITHUB_API_URL ?? GITHUB_API;
  const onCall = (call: GitHubCall) => metrics.externalCall(ExternalSystem.GitHub, call.route, call.outcome, call.seconds);
  const host = new OctokitCodeHost({ apiUrl, gitHost: env.NESTOR_GITHUB_HOST ?? gitHostOf(apiUrl), auth, onCall });
  const failures = new CountedFailures((operation, where, error, count) => {
    metrics.externalError(ExternalSystem.GitHub, httpFailureKind(error));
    logger.warn({ operation, where, err: error instanceof Error ? error.message : String(error), failures: count }, 'github side effect failed');
  });
  const logUrl = env.NESTOR_GITHUB_LOG_URL;
  const deployments = new ReleaseDeployments({
    host, config: deps.config, failures, ...(logUrl ? { logUrl: (jobId: string) => logUrl.replaceAll('{jobId}', encodeURIComponent(jobId)) } : {}),
  });
  const source = withHostedChangelog(deps.source, host, failures);
  const builds = deps.builds ? withBuildStatuses(deps.builds, { host, config: deps.config, failures }) : undefined;
  return { deps: { ...deps, source, ...(builds ? { builds } : {}) }, deployments };
}

/** The CLI's: GitHub's failures as JSON warnings on stderr, stdout being the command's own. */
export function stderrLogger(): Logger {
  return nestorLogger('nestor', { level: 'warn', destination: pino.destination(2) });
}
