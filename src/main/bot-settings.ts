// The settings of `nestor bot` and `nestor worker` from the environment, every problem found at
// once and said in one line: `nestor bot: missing SLACK_SIGNING_SECRET, REDIS_URL; invalid PORT ...`.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isRepositoryUrl } from '../adapters/git/config-location.js';
import { parseApiTokens, type ApiToken } from '../adapters/http/api-tokens.js';
import { redisTargetFromEnv, type RedisTarget } from '../adapters/redis/redis-connection.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ProcessSettings {
  signingSecret: string;
  botToken: string;
  appToken?: string;
  slackApiUrl?: string;
  /** REDIS_URL, or the sentinels of NESTOR_REDIS_SENTINELS and the master REDIS_URL names. */
  redis: RedisTarget;
  /** NESTOR_CONFIG: a repository URL as given, else an absolute path (a folder, or a bare repository). */
  configDir: string;
  /**
   * NESTOR_HISTORY, required: without it each process would keep a history of its own that no
   * other sees (two workers, two histories; the bot's status reading a third).
   */
  history: string;
  /** The worker's clusters; the bot has no cluster access and never reads a kubeconfig. */
  kubeconfig?: string;
  port: number;
  /** How long a stopping process may take to finish its current work (NESTOR_STOP_SECONDS, default 25). */
  stopTimeoutMs: number;
  /**
   * The worker's hold on a running job (NESTOR_JOB_LOCK_SECONDS, default 30), renewed while it
   * runs: a worker that died keeps its job about this long, plus as long again at most, before
   * another worker takes it over.
   */
  jobLockMs: number;
  /** How often the worker retries publishing releases left "history pending" (NESTOR_HISTORY_RETRY_SECONDS, default 60). */
  historyRetryMs: number;
  /** The HTTP API: `nestor api`, or the bot when NESTOR_API_PORT is set. */
  api?: ApiSettings;
  /** GET /healthz, /readyz and /metrics (NESTOR_HEALTH_PORT, default 9095; 0: a free port, logged at start). */
  healthPort: number;
  /** LOG_LEVEL: fatal, error, warn, info (default), debug, trace or silent. */
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_HEALTH_PORT = 9095;

export interface ApiSettings {
  /** NESTOR_API_TOKENS. */
  tokens: ApiToken[];
  /** PORT for `nestor api`; NESTOR_API_PORT beside the bot. */
  port: number;
  /** NESTOR_GITHUB_WEBHOOK_SECRET: without it, POST /api/v1/github is refused. */
  githubWebhookSecret?: string;
  /** The web view, when NESTOR_WEB_URL is set. */
  web?: WebSettings;
}

/** The web view and its sign-in with Slack (OpenID Connect). */
export interface WebSettings {
  /** NESTOR_WEB_URL: where people reach the view (the OIDC redirect URL is `<url>/auth/callback`). */
  url: string;
  /** NESTOR_WEB_OIDC_ISSUER, default https://slack.com. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** NESTOR_WEB_SESSION_SECRET: signs the session cookie (at least 32 characters). */
  sessionSecret: string;
}

export type SettingsResult = { ok: true; settings: ProcessSettings } | { ok: false; line: string };

type Check = (value: string) => string | undefined;

const prefixed = (prefix: string): Check => (v) => (v.startsWith(prefix) ? undefined : `expected a token starting with ${prefix}`);
const url = (schemes: readonly string[]): Check => (v) => {
  try {
    return schemes.includes(new URL(v).protocol) ? undefined : `expected a ${schemes.join(' or ')} URL`;
  } catch {
    return 'not a URL';
  }
};
const port: Check = (v) => (/^\d{1,5}$/.test(v) && Number(v) <= 65_535 ? undefined : 'expected a port number from 0 to 65535');
const folder: Check = (v) => (existsSync(v) && statSync(v).isDirectory() ? undefined : 'no such folder, nor a repository URL');
const file: Check = (v) => (existsSync(v) ? undefined : 'no such file');
const logLevel: Check = (v) => ((LOG_LEVELS as readonly string[]).includes(v) ? undefined : `expected one of ${LOG_LEVELS.join(', ')}`);
const seconds: Check = (v) => (/^\d{1,6}$/.test(v) && Number(v) > 0 ? undefined : 'expected a whole number of seconds, at least 1');

/** Which settings the process needs: the worker has no Slack signing secret nor port, the bot and the API no kubeconfig. */
export type Role = 'bot' | 'worker' | 'api';

type Take = (name: string, required: boolean, check?: Check, fallback?: string) => string | undefined;

/** KUBECONFIG (its first file), else ~/.kube/config when there is one: required. */
function workerKubeconfig(take: Take, at: (p: string) => string): string | undefined {
  const home = join(homedir(), '.kube', 'config');
  const first = (v: string) => at(v.split(':')[0] ?? v);
  const value = take('KUBECONFIG', true, (v) => file(first(v)), existsSync(home) ? home : undefined);
  return value === undefined ? undefined : first(value);
}

export function readSettings(role: Role, env: Env, cwd: string): SettingsResult {
  const missing: string[] = [];
  const invalid: string[] = [];
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const take: Take = (name, required, check, fallback) => {
    const raw = env[name] === '' ? undefined : env[name];
    const value = raw ?? fallback;
    if (value === undefined) {
      if (required) missing.push(name);
      return undefined;
    }
    const problem = check?.(value);
    if (problem) invalid.push(`${name} (${problem})`);
    return value;
  };
  const signingSecret = take('SLACK_SIGNING_SECRET', role === 'bot');
  const botToken = take('SLACK_BOT_TOKEN', true, prefixed('xoxb-'));
  const appToken = take('SLACK_APP_TOKEN', false, prefixed('xapp-'));
  const slackApiUrl = take('SLACK_API_URL', false, url(['http:', 'https:']));
  const redis = redisTargetFromEnv(env);
  if (redis === undefined) missing.push('REDIS_URL');
  else if (!redis.ok) invalid.push(...redis.problems);
  const redisTarget = redis?.ok ? redis.target : undefined;
  const config = take('NESTOR_CONFIG', true, (v) => (isRepositoryUrl(v) ? undefined : folder(at(v))));
  const configDir = config !== undefined && isRepositoryUrl(config) ? config : at(config ?? '.');
  const history = take('NESTOR_HISTORY', true, (v) => (isRepositoryUrl(v) ? undefined : folder(at(v))));
  const kubeconfig = role === 'worker' ? workerKubeconfig(take, at) : undefined;
  const portText = take('PORT', false, port, '3000');
  const stopSeconds = take('NESTOR_STOP_SECONDS', false, seconds, '25');
  const jobLockSeconds = take('NESTOR_JOB_LOCK_SECONDS', false, seconds, '30');
  const historyRetrySeconds = role === 'worker' ? take('NESTOR_HISTORY_RETRY_SECONDS', false, seconds, '60') : '60';
  const api = apiSettings(role, take, at, portText);
  const healthPort = take('NESTOR_HEALTH_PORT', false, port, String(DEFAULT_HEALTH_PORT));
  const level = take('LOG_LEVEL', false, logLevel, 'info');
  if (missing.length || invalid.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', invalid.length ? `invalid ${invalid.join(', ')}` : ''].filter(Boolean);
    return { ok: false, line: `nestor ${role}: ${parts.join('; ')}` };
  }
  return {
    ok: true,
    settings: {
      signingSecret: signingSecret ?? '', botToken: botToken!, redis: redisTarget!, configDir, history: isRepositoryUrl(history!) ? history! : at(history!), port: Number(portText),
      stopTimeoutMs: Number(stopSeconds) * 1000, jobLockMs: Number(jobLockSeconds) * 1000, historyRetryMs: Number(historyRetrySeconds) * 1000,
      healthPort: Number(healthPort), logLevel: level as LogLevel,
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(api ? { api } : {}),
      ...(appToken ? { appToken } : {}),
      ...(slackApiUrl ? { slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/` } : {}),
    },
  };
}

/** `nestor api` always serves the API, on PORT; the bot too when NESTOR_API_PORT is set. */
function apiSettings(role: Role, take: Take, at: (p: string) => string, portText: string | undefined): ApiSettings | undefined {
  const apiPort = role === 'bot' ? take('NESTOR_API_PORT', false, port) : portText;
  if (role === 'worker' || apiPort === undefined) return undefined;
  let tokens: ApiToken[] = [];
  take('NESTOR_API_TOKENS', true, (v) => {
    const parsed = parseApiTokens(v, at);
    if ('problem' in parsed) return parsed.problem;
    tokens = parsed.tokens;
    return undefined;
  });
  const githubWebhookSecret = take('NESTOR_GITHUB_WEBHOOK_SECRET', false);
  const web = webSettings(take);
  return { tokens, port: Number(apiPort), ...(githubWebhookSecret ? { githubWebhookSecret } : {}), ...(web ? { web } : {}) };
}

/** The web view is served when NESTOR_WEB_URL is set; its sign-in settings are then required. */
function webSettings(take: Take): WebSettings | undefined {
  const webUrl = take('NESTOR_WEB_URL', false, url(['http:', 'https:']));
  if (webUrl === undefined) return undefined;
  const issuer = take('NESTOR_WEB_OIDC_ISSUER', false, url(['http:', 'https:']), 'https://slack.com');
  const clientId = take('NESTOR_WEB_OIDC_CLIENT_ID', true);
  const clientSecret = take('NESTOR_WEB_OIDC_CLIENT_SECRET', true);
  const sessionSecret = take('NESTOR_WEB_SESSION_SECRET', true, (v) => (v.length >= 32 ? undefined : 'expected at least 32 characters'));
  if (!issuer || !clientId || !clientSecret || !sessionSecret) return undefined;
  return { url: webUrl.replace(/\/+$/, ''), issuer, clientId, clientSecret, sessionSecret };
}
