// The API's tokens setting: read from JSON or a file, every problem one line that never repeats a
// value; a presented token found among them by digest; each token's scope of actions and environments.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiTokens, scopeProblem, tokenAuthority, type ApiToken } from '../../../src/adapters/http/api-tokens.js';
import { readSettings } from '../../../src/main/bot-settings.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

const CI: ApiToken = { name: 'ci', token: 'ci-token-0123456789abcdef', environments: ['*'], actions: ['ci', 'read'] };
const DEV: ApiToken = { name: 'dev', token: 'dev-token-0123456789abcdef', environments: ['dev1', 'dev3'], actions: ['deploy'] };
const here = (p: string) => p;
afterAll(() => cleanupFixtures());

describe('API tokens', () => {
  it('reads a JSON array, or the file it is in', () => {
    expect(parseApiTokens(JSON.stringify([CI, DEV]), here)).toEqual({ tokens: [CI, DEV] });
    const dir = tempDir('nestor-tokens-');
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify([DEV]));
    expect(parseApiTokens('tokens.json', (p) => join(dir, p))).toEqual({ tokens: [DEV] });
  });

  it('names what is wrong without repeating a token', () => {
    const cases: [string, string][] = [
      ['nope.json', 'expected a JSON array of tokens or the path of a file holding one: no such file'],
      [`[{"name":"ci","token":"${CI.token}"`, 'not valid JSON'],
      ['[]', 'tokens: must NOT have fewer than 1 items'],
      [JSON.stringify([{ ...CI, token: 'short' }]), 'tokens.0.token: expected the secret itself, at least 16 characters'],
      [JSON.stringify([{ ...CI, environments: ['Prod'] }]), 'tokens.0.environments.0: expected an environment name, or "*" for all'],
      [JSON.stringify([{ ...CI, extra: 1 }]), 'unknown field "tokens.0.extra"'],
      [JSON.stringify([CI, { ...DEV, name: 'ci' }]), 'two tokens are named ci'],
      [JSON.stringify([CI, { ...DEV, token: CI.token }]), 'two tokens have the same value'],
    ];
    for (const [setting, problem] of cases) {
      const parsed = parseApiTokens(setting, here);
      expect(parsed).toEqual({ problem });
      expect(JSON.stringify(parsed)).not.toContain(CI.token);
    }
  });

  it('identifies a presented token, and nothing else', () => {
    const authority = tokenAuthority([CI, DEV]);
    expect(authority.identify(DEV.token)?.name).toBe('dev');
    expect(authority.identify(`${DEV.token}x`)).toBeUndefined();
    expect(authority.identify('')).toBeUndefined();
  });

  it('scopes a token to its actions and environments', () => {
    expect(scopeProblem(CI, 'read', 'production')).toBeUndefined();
    expect(scopeProblem(CI, 'deploy', 'dev3')).toBe('token ci may not deploy (its actions: ci, read)');
    expect(scopeProblem(DEV, 'deploy', 'dev3')).toBeUndefined();
    expect(scopeProblem(DEV, 'deploy')).toBeUndefined();
    expect(scopeProblem(DEV, 'deploy', 'staging')).toBe('token dev may not deploy in staging (its environments: dev1, dev3)');
  });

  it('are required by nestor api, and by the bot only when it serves the API (NESTOR_API_PORT)', () => {
    const cwd = tempDir('nestor-tokens-');
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://127.0.0.1:6379', NESTOR_CONFIG: cwd, NESTOR_HISTORY: cwd };
    expect(readSettings('api', env, cwd)).toEqual({ ok: false, line: 'nestor api: missing NESTOR_API_TOKENS' });
    expect(readSettings('bot', env, cwd)).toMatchObject({ ok: true, settings: { port: 3000 } });
    expect(readSettings('bot', env, cwd)).not.toHaveProperty('settings.api');
    expect(readSettings('bot', { ...env, NESTOR_API_PORT: '8081' }, cwd)).toEqual({ ok: false, line: 'nestor bot: missing NESTOR_API_TOKENS' });
    const tokens = JSON.stringify([CI]);
    expect(readSettings('bot', { ...env, NESTOR_API_PORT: '8081', NESTOR_API_TOKENS: tokens }, cwd)).toMatchObject({ ok: true, settings: { port: 3000, api: { port: 8081, tokens: [CI] } } });
    expect(readSettings('api', { ...env, PORT: '8082', NESTOR_API_TOKENS: tokens, NESTOR_GITHUB_WEBHOOK_SECRET: 'gh' }, cwd)).toMatchObject({ ok: true, settings: { api: { port: 8082, githubWebhookSecret: 'gh' } } });
  });
});
