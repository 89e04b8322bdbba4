// The authorization policy of an environment from the current nestor-config: its project.yaml
// files merged from the root ancestor down (so `approval: null` in staging lifts production's).
import type { EnvironmentPolicy } from './authorize.js';
import { ancestry, mergeLayers, type ConfigTree } from '../config/index.js';
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
  const merged = mergeLayers(ancestry(tree, env).map((node) => node.project)) as EnvironmentPolicy;
  return {
    ...(merged.access === undefined ? {} : { access: merged.access }),
    ...(merged.approval === undefined ? {} : { approval: merged.approval }),
  };
}

/** A `policyOf` reading the config each time (a config change applies at once). */
export function policyFromConfig(config: ConfigSource): (env: string) => Promise<EnvironmentPolicy> {
  return async (env) => environmentPolicy((await config.load()).tree, env);
}

/** The channels of an environment: `slack.channels.info` and `.error`. */
export function releaseChannel(tree: ConfigTree, env: string): string | undefined {
  if (!tree.environments.has(env)) return undefined;
  const merged = mergeLayers(ancestry(tree, env).map((node) => node.project)) as { slack?: { channels?: { info?: string } } };
  return merged.slack?.channels?.info;
}
