// The settings of `nestor bot` and `nestor worker` from the environment, every problem found at
// once and said in one line: `nestor bot: missing SLACK_SIGNING_SECRET, REDIS_URL; invalid PORT ...`.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ProcessSettings {
  signingSecret: string;
  botToken: string;
  appToken?: string;
  slackApiUrl?: string;
  redisUrl: string;
  configDir: string;
  history?: string;
  kubeconfig: string;
  port: number;
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
const folder: Check = (v) => (existsSync(v) && statSync(v).isDirectory() ? undefined : 'no such folder');
const file: Check = (v) => (existsSync(v) ? undefined : 'no such file');

/** Which settings the process needs: the worker has no Slack signing secret nor port. */
export type Role = 'bot' | 'worker';

export function readSettings(role: Role, env: Env, cwd: string): SettingsResult {
  const missing: string[] = [];
  const invalid: string[] = [];
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const take = (name: string, required: boolean, check?: Check, fallback?: string): string | undefined => {
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
  const redisUrl = take('REDIS_URL', true, url(['redis:', 'rediss:']));
  const configDir = at(take('NESTOR_CONFIG', true, (v) => folder(at(v))) ?? '.');
  const history = take('NESTOR_HISTORY', false);
  const kubeconfig = at(take('KUBECONFIG', false, (v) => file(at(v.split(':')[0] ?? v)), join(homedir(), '.kube', 'config'))!.split(':')[0]!);
  const portText = take('PORT', false, port, '3000');
  if (missing.length || invalid.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', invalid.length ? `invalid ${invalid.join(', ')}` : ''].filter(Boolean);
    return { ok: false, line: `nestor ${role}: ${parts.join('; ')}` };
  }
  return {
    ok: true,
    settings: {
      signingSecret: signingSecret ?? '', botToken: botToken!, redisUrl: redisUrl!, configDir, kubeconfig, port: Number(portText),
      ...(appToken ? { appToken } : {}),
      ...(slackApiUrl ? { slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/` } : {}),
      ...(history ? { history } : {}),
    },
  };
}
