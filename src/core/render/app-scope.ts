import { createHash } from 'node:crypto';
// Everything shared by the objects of one app in one environment on one cluster.
import type { ClusterDeploymentConfig, MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';
import { containerEnv, imageOf, secretNameOf, type EnvEntry } from './app-inputs.js';
import { checkLabelValue, defaultRelease, objectLabels } from './labels.js';
import type { TemplateSet } from './template-set.js';
import { appVariables, DEFAULT_PORT, type AppVariables } from './variables.js';

export interface AppScope {
  app: string;
  env: string;
  config: MergedConfig;
  cluster: ClusterDeploymentConfig;
  namespace: string;
  release: string;
  sha: string;
  image: string;
  port: number;
  vars: AppVariables;
  secretName: string;
  containerEnv: EnvEntry[];
  antiAffinity: 'node' | 'zone' | undefined;
  templates: TemplateSet;
}

export interface ScopeInput {
  app: string;
  env: string;
  config: MergedConfig;
  version: { sha: string; ref?: string };
  release?: string;
  templates: TemplateSet;
  /** A version of the live secret values (never the values): a change of it rolls the pods. */
  secretsVersion?: string;
}

const SHA = /^[0-9a-f]{7,64}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** App-wide parts, computed once and shared by every cluster. */
export type AppParts = Omit<AppScope, 'cluster' | 'namespace' | 'antiAffinity'>;

export function appParts(input: ScopeInput): AppParts {
  const { app, env, config, version } = input;
  checkName('app', app);
  checkName('environment', env);
  if (!SHA.test(version.sha)) throw new NestorError(ErrorCode.BadInput, `version "${version.sha}" is not a commit sha`);
  const vars = withSecretsVersion(appVariables(config), input.secretsVersion);
  const port = config.port ?? DEFAULT_PORT;
  const secretName = secretNameOf(app);
  return {
    app, env, config, vars, port, secretName,
    sha: version.sha,
    release: checkLabelValue('release', input.release ?? defaultRelease(version.sha)),
    image: imageOf(config, app, version.sha),
    containerEnv: containerEnv(port, vars.secretNames, secretName),
    templates: input.templates,
  };
}

/** The app's anti_affinity overrides the cluster's; `none` turns it off. */
export function clusterScope(parts: AppParts, cluster: ClusterDeploymentConfig): AppScope {
  const choice = parts.config.anti_affinity ?? cluster.anti_affinity;
  return {
    ...parts,
    cluster,
    namespace: cluster.namespace ?? parts.env,
    antiAffinity: choice === 'none' ? undefined : choice,
  };
}

export function clustersOf(config: MergedConfig): ClusterDeploymentConfig[] {
  const clusters = config.deployments?.kubernetes ?? [];
  if (clusters.length === 0) {
    throw new NestorError(ErrorCode.RenderFailed, 'no cluster configured (deployments.kubernetes in project.yaml)');
  }
  return clusters;
}

export function labelsOf(scope: AppScope, process: string): Record<string, string> {
  return objectLabels({ app: scope.app, process, env: scope.env, release: scope.release });
}

function checkName(what: string, name: string): void {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new NestorError(ErrorCode.BadInput, `${what} name "${name}" must be a DNS-1123 label (a-z, 0-9, -; at most 63)`);
  }
}

/** Pods read secrets at start: a new secrets version must change the pod template to roll them. */
function withSecretsVersion(vars: AppVariables, secretsVersion: string | undefined): AppVariables {
  if (secretsVersion === undefined || vars.secretNames.length === 0) return vars;
  return { ...vars, hash: createHash('sha256').update(`${vars.hash}:${secretsVersion}`).digest('hex').slice(0, 16) };
}
