// The authorization policy of an environment from the current nestor-config: its project.yaml
// files merged from the root ancestor down (so `approval: null` in staging lifts production's).
import type { EnvironmentPolicy } from './authorize.js';
import type { ConfigTree } from '../config/index.js';
import { deepFreeze } from '../config/deep-freeze.js';
import { mergedProject } from '../config/merged-project.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { ConfigSource } from '../ports/config-source.js';
import { closestWord } from '../text/did-you-mean.js';

/** `unknown environment "dev33"; did you mean "dev3"?` */
export function unknownEnvironment(tree: ConfigTree, env: string): NestorError {
  const guess = closestWord(env, [...tree.environments.keys()]);
  return new NestorError(ErrorCode.ConfigNotFound, `unknown environment "${env}"${guess ? `; did you mean "${guess}"?` : ''}`);
}

export function environmentPolicy(tree: ConfigTree, env: string): EnvironmentPolicy {
  if (!tree.environments.has(env)) throw unknownEnvironment(tree, env);
  const merged = mergedProject(tree, env) as EnvironmentPolicy;
  return {
    ...(merged.access === undefined ? {} : { access: merged.access }),
    ...(merged.approval === undefined ? {} : { approval: merged.approval }),
  };
}

/**
 * A `policyOf` reading the config each time (a config change applies at once). The merged policy
 * is kept per loaded tree and environment, frozen: a load that found nothing changed answers the
 * same tree, so a burst of commands merges each environment's project files once, not per command.
 */
export function policyFromConfig(config: ConfigSource): (env: string) => Promise<EnvironmentPolicy> {
  const merged = new WeakMap<ConfigTree, Map<string, EnvironmentPolicy>>();
  return async (env) => {
    const { tree } = await config.load();
    let byEnv = merged.get(tree);
    if (!byEnv) merged.set(tree, (byEnv = new Map()));
    let policy = byEnv.get(env);
    if (!policy) byEnv.set(env, (policy = deepFreeze(environmentPolicy(tree, env))));
    return policy;
  };
}

/** The channels of an environment: `slack.channels.info` and `.error`. */
export function releaseChannel(tree: ConfigTree, env: string): string | undefined {
  if (!tree.environments.has(env)) return undefined;
  return mergedProject(tree, env).slack?.channels?.info;
}
