// The bearer tokens of `nestor api` (setting NESTOR_API_TOKENS: a JSON array, or the path of a
// file holding one), each named and scoped to environments and actions. A request's token is
// found by comparing SHA-256 digests in constant time against every token, so neither a match
// nor a mismatch tells how much of a token was right. Token values are never logged, nor put in
// any message: problems name the token by its position and name.
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import { explainSchemaError } from '../../core/jobs/parse-job.js';

export const ApiAction = { Deploy: 'deploy', Ci: 'ci', Read: 'read' } as const;
export type ApiAction = (typeof ApiAction)[keyof typeof ApiAction];

const ALL_ENVIRONMENTS = '*';

export const ApiTokenSchema = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'a name such as ci-main (letters, digits, ".", "_", "-")' }),
  token: Type.String({ minLength: 16, maxLength: 512, description: 'the secret itself, at least 16 characters' }),
  environments: Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$', description: 'an environment name, or "*" for all' }), { minItems: 1, description: 'a list of environment names, or "*" for all' }),
  actions: Type.Array(Type.Union([Type.Literal('deploy'), Type.Literal('ci'), Type.Literal('read')], { description: 'deploy, ci or read' }), { minItems: 1, uniqueItems: true, description: 'a list of deploy, ci or read' }),
  /** The Slack user (id or name) the token acts for: its access and approval rules apply, as for chat. */
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a Slack user id or name' })),
}, { additionalProperties: false });
export type ApiToken = Static<typeof ApiTokenSchema>;

const TokensSchema = Type.Array(ApiTokenSchema, { minItems: 1 });

let validate: ValidateFunction | undefined;

/** The tokens of the setting; a one-line problem (never quoting a value) when it is not valid. */
export function parseApiTokens(setting: string, at: (path: string) => string): { tokens: ApiToken[] } | { problem: string } {
  const trimmed = setting.trim();
  let text = trimmed;
  if (!trimmed.startsWith('[')) {
    const file = at(trimmed);
    if (!existsSync(file)) return { problem: 'expected a JSON array of tokens or the path of a file holding one: no such file' };
    text = readFileSync(file, 'utf8');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  validate ??= new Ajv({ allErrors: false, verbose: true, strict: false }).compile(TokensSchema);
  if (!validate(data)) {
    const error = validate.errors?.find((e) => e.keyword !== 'const') ?? validate.errors?.[0];
    return { problem: error ? explainSchemaError(error, 'tokens') : 'not a list of tokens' };
  }
  const tokens = data as ApiToken[];
  const names = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name)) return { problem: `two tokens are named ${token.name}` };
    names.add(token.name);
  }
  if (new Set(tokens.map((t) => digest(t.token).toString('hex'))).size !== tokens.length) return { problem: 'two tokens have the same value' };
  return { tokens };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export interface TokenAuthority {
  /** The token whose value `presented` is, if any. */
  identify(presented: string): ApiToken | undefined;
}

export function tokenAuthority(tokens: readonly ApiToken[]): TokenAuthority {
  const known = tokens.map((token) => ({ token, digest: digest(token.token) }));
  return {
    identify: (presented) => {
      const given = digest(presented);
      let found: ApiToken | undefined;
      // Every token is compared: the time taken does not depend on which one matched.
      for (const k of known) if (timingSafeEqual(k.digest, given)) found = k.token;
      return found;
    },
  };
}

/** Why the token may not do `action` (in `env`, when the request names one); undefined when it may. */
export function scopeProblem(token: ApiToken, action: ApiAction, env?: string): string | undefined {
  if (!token.actions.includes(action)) return `token ${token.name} may not ${action} (its actions: ${token.actions.join(', ')})`;
  if (env === undefined || token.environments.includes(ALL_ENVIRONMENTS) || token.environments.includes(env)) return undefined;
  return `token ${token.name} may not ${action} in ${env} (its environments: ${token.environments.join(', ')})`;
}
