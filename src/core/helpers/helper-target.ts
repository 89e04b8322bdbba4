// Where the developers' kubectl helpers act: an environment's clusters (kubeconfig context and
// namespace, as a release applies there), an app's pods in them (the labels its Deployments give
// their pods), and whether `nestor exec` is allowed there (`helpers.exec`, off by default where
// the environment needs approval).
import { appConfig } from '../config/app-config.js';
import { isDnsLabel, type ConfigTree } from '../config/config-tree.js';
import { mergedProject } from '../config/merged-project.js';
import { ErrorCode, NestorError } from '../errors.js';
import { ENVIRONMENT, MANAGED_BY } from '../render/labels.js';
import { closestWord } from '../text/did-you-mean.js';

export interface EnvironmentCluster {
  cluster: string;
  /** The kubeconfig context (`context`, default `cluster_name`). */
  context: string;
  namespace: string;
}

export interface AppTarget {
  app: string;
  env: string;
  clusters: EnvironmentCluster[];
  /** Label selector of the app's pods (of one process when given). */
  selector: string;
}

function checkEnvironment(tree: ConfigTree, env: string): void {
  if (tree.environments.has(env)) return;
  const guess = isDnsLabel(env) ? closestWord(env, [...tree.environments.keys()]) : undefined;
  throw new NestorError(ErrorCode.ConfigNotFound, `unknown environment "${env}"${guess ? `; did you mean "${guess}"?` : ''}`);
}

/** The environment's clusters, first (its home cluster) first. */
export function environmentClusters(tree: ConfigTree, env: string): EnvironmentCluster[] {
  checkEnvironment(tree, env);
  const clusters = (mergedProject(tree, env).deployments?.kubernetes ?? []).map((c) => ({
    cluster: c.cluster_name, context: c.context ?? c.cluster_name, namespace: c.namespace ?? env,
  }));
  if (clusters.length === 0) throw new NestorError(ErrorCode.ConfigInvalid, `no cluster configured for ${env} (deployments.kubernetes in ${env}/project.yaml)`);
  return clusters;
}

const PROCESS = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function appTarget(tree: ConfigTree, app: string, env: string, process?: string): AppTarget {
  checkEnvironment(tree, env);
  appConfig(tree, app, env); // an unknown app: the same error, with did-you-mean, as every command
  if (process !== undefined && !PROCESS.test(process)) {
    throw new NestorError(ErrorCode.BadInput, `invalid process name "${process}": expected a name from the app's Procfile, such as web or worker`);
  }
  const selector = `app=${app},${MANAGED_BY}=nestor,${ENVIRONMENT}=${env}${process === undefined ? '' : `,process=${process}`}`;
  return { app, env, clusters: environmentClusters(tree, env), selector };
}

/** Whether `nestor exec` may run in the environment's pods. */
export function execAllowed(tree: ConfigTree, env: string): boolean {
  const project = mergedProject(tree, env);
  return project.helpers?.exec ?? !project.approval;
}

/** Throws, naming the setting, when `nestor exec` is not allowed in the environment. */
export function checkExecAllowed(tree: ConfigTree, env: string): void {
  if (execAllowed(tree, env)) return;
  const why = mergedProject(tree, env).helpers?.exec === false ? 'helpers.exec is false' : 'it needs approval and helpers.exec is not set';
  throw new NestorError(ErrorCode.NotAuthorized, `nestor exec is not allowed in ${env} (${why}; set helpers: { exec: true } in ${env}/project.yaml to allow it)`);
}
