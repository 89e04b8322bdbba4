// `config set <app> <env> KEY=VALUE ... [--secret]` and `config unset <app> <env> KEY ...`: a
// commit to nestor-config by the user, then a release of the running version (kind `config`).
// Secret values go to the Kubernetes Secret `<app>-secrets` only; the config names them.
import { SECRET_MASK, type MergedConfig } from '../config/index.js';
import { addSecretNames, removeSecretNames, setVariables, unsetVariables, type AppFileContext } from '../config/edit-app-file.js';
import { checkAssignment, checkVariableName } from '../config/edit-args.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { ChangePlan, PlanInput } from './config-change-steps.js';
import { releaseConfigChange } from './config-release.js';
import { checkAppAndEnv } from './deploy.js';
import { namedSecrets } from './live-secrets.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from './release-deps.js';
import type { SecretValues } from './secret-input.js';

export interface ConfigSetInput {
  app: string;
  env: string;
  /** Clear values, written to the app file. */
  variables?: Readonly<Record<string, string>>;
  /** Secret values: to the cluster's Secret; the app file names them only. */
  secrets?: SecretValues;
  /** Who approved the change (environments with `approval`): recorded in its history commit. */
  approvedBy?: string;
}

export interface ConfigUnsetInput {
  app: string;
  env: string;
  keys: readonly string[];
  /** Who approved the change (environments with `approval`): recorded in its history commit. */
  approvedBy?: string;
}

const bad = (message: string): NestorError => new NestorError(ErrorCode.BadInput, message);

/** Keys with a clear (non-null, unmasked) value in some group of the merged variables. */
function clearKeys(merged: MergedConfig): Set<string> {
  const keys = new Set<string>();
  for (const group of Object.values(merged.variables ?? {})) {
    for (const [key, value] of Object.entries(group ?? {})) if (value !== null && value !== undefined && value !== SECRET_MASK) keys.add(key);
  }
  return keys;
}

function describeKeys(clear: readonly string[], secret: readonly string[]): string {
  return [...clear, ...secret.map((k) => `secret ${k}`)].join(', ');
}

function setPlan(app: string, env: string, variables: Record<string, string>, secrets: SecretValues | undefined) {
  return ({ merged, inherited, path }: PlanInput): ChangePlan => {
    const context: AppFileContext = { path, inherited };
    const named = namedSecrets(merged);
    const clash = Object.keys(variables).filter((k) => named.includes(k));
    if (clash.length > 0) throw bad(`${clash.join(', ')} ${clash.length > 1 ? 'are secrets' : 'is a secret'} of ${app} in ${env}: set with --secret, or \`nestor config unset\` first`);
    const secretNames = secrets?.names() ?? [];
    const wasClear = secretNames.filter((k) => clearKeys(merged).has(k));
    const newNames = secretNames.filter((k) => !named.includes(k));
    const fresh = Object.keys(variables).filter((k) => !clearKeys(merged).has(k));
    return {
      edit: (text) => {
        let next = text;
        if (Object.keys(variables).length > 0) next = setVariables(next, 'app', { ...variables }, context);
        // A clear value becoming a secret: the clear value leaves the config.
        if (wasClear.length > 0) next = unsetVariables(next, wasClear, context);
        return newNames.length > 0 ? addSecretNames(next, newNames, context) : next;
      },
      ...(secrets ? { putSecrets: secrets } : {}),
      ...(fresh.length === Object.keys(variables).length && secretNames.length === 0 ? { undo: `nestor config unset ${app} ${env} ${fresh.join(' ')}` } : {}),
    };
  };
}

export async function configSet(deps: ReleaseDeps, ctx: ReleaseContext, input: ConfigSetInput): Promise<ReleaseResult> {
  const { app, env } = input;
  checkAppAndEnv(app, env);
  const variables = { ...(input.variables ?? {}) };
  for (const [key, value] of Object.entries(variables)) checkAssignment(key, value);
  const secretNames = input.secrets?.names() ?? [];
  if (Object.keys(variables).length + secretNames.length === 0) throw bad('give at least one KEY=VALUE');
  const both = secretNames.filter((k) => k in variables);
  if (both.length > 0) throw bad(`${both.join(', ')} given both as a variable and as a secret`);
  return releaseConfigChange(deps, ctx, {
    app, env, kind: 'config', verb: 'config set', summary: describeKeys(Object.keys(variables), secretNames),
    plan: setPlan(app, env, variables, input.secrets),
    ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
  });
}

function unsetPlan(keys: readonly string[]) {
  return ({ merged, inherited, path }: PlanInput): ChangePlan => {
    const context: AppFileContext = { path, inherited };
    const listed = keys.filter((k) => (merged.secrets ?? []).includes(k));
    const inVariables = keys.filter((k) => Object.values(merged.variables ?? {}).some((g) => g?.[k] !== null && g?.[k] !== undefined));
    const missing = keys.filter((k) => !listed.includes(k) && !inVariables.includes(k));
    if (missing.length > 0) throw bad(`not set, so nothing to unset: ${missing.join(', ')}`);
    const secrets = namedSecrets(merged).filter((k) => keys.includes(k));
    return {
      edit: (text) => {
        const next = inVariables.length > 0 ? unsetVariables(text, inVariables, context) : text;
        return listed.length > 0 ? removeSecretNames(next, listed, context) : next;
      },
      ...(secrets.length > 0 ? { removeSecretKeys: secrets } : {}),
    };
  };
}

export async function configUnset(deps: ReleaseDeps, ctx: ReleaseContext, input: ConfigUnsetInput): Promise<ReleaseResult> {
  const { app, env, keys } = input;
  checkAppAndEnv(app, env);
  if (keys.length === 0) throw bad('give at least one KEY to unset');
  keys.forEach(checkVariableName);
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (twice.length > 0) throw bad(`${twice[0]} is given twice`);
  return releaseConfigChange(deps, ctx, {
    app, env, kind: 'config', verb: 'config unset', summary: keys.join(', '), plan: unsetPlan(keys),
    ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
  });
}
