// A datastore of the config made a target its driver can reach: the connection read where the
// config says (a setting of Nestor's environment, or a key of a Kubernetes Secret in the
// environment's namespace) and its password taken out of the URL into a SecretText, so that what
// is logged, put in an error or a job's data never holds it. A kubernetes-job's target is the Job
// of its app's running release (the version the history says runs, the config a release renders
// from), as a one-off task of that release: its pod reads the ConfigMap and Secret it applied.
import { appConfig } from '../config/app-config.js';
import type { ConfigTree } from '../config/index.js';
import type { DatastoreConnection, DatastoreSettings } from '../config/datastore-settings.js';
import { mergedProject } from '../config/merged-project.js';
import { ErrorCode, isNestorError, NestorError } from '../errors.js';
import type { ClusterProvider } from '../ports/cluster.js';
import { connectionOf, type DatastoreTarget, type KubernetesJobTarget } from '../ports/datastores.js';
import type { ReleaseHistory } from '../ports/release-history.js';
import type { Environment } from '../config/index.js';
import { configuredConfig } from '../render/render-configured-app.js';
import type { TemplateSet } from '../render/template-set.js';

/** `datastore main of dev3`, how messages name one. */
export const describeDatastore = (d: { name: string; env: string }): string => `datastore ${d.name} of ${d.env}`;

function where(connection: DatastoreConnection): string {
  return 'setting' in connection ? `$${connection.setting}` : `Secret ${connection.secret} key ${connection.key}`;
}

async function secretValue(clusters: ClusterProvider, tree: ConfigTree, env: string, ref: { secret: string; key: string }): Promise<string | undefined> {
  for (const c of mergedProject(tree, env).deployments?.kubernetes ?? []) {
    const secret = await clusters.cluster(c.context ?? c.cluster_name).get({ apiVersion: 'v1', kind: 'Secret', namespace: c.namespace ?? env, name: ref.secret });
    const data = (secret?.data ?? {}) as Record<string, string>;
    if (data[ref.key] !== undefined) return Buffer.from(data[ref.key]!, 'base64').toString('utf8');
  }
  return undefined;
}

/** The URL with its password apart (the port's connectionOf), a bad one named by its datastore and never repeated. */
function split(value: string, what: string): ReturnType<typeof connectionOf> {
  try {
    return connectionOf(value.trim());
  } catch (error) {
    if (isNestorError(error)) throw new NestorError(ErrorCode.BadInput, `the connection of ${what} is not a URL (scheme://user@host:port/name)`);
    throw error;
  }
}

export interface TargetSources {
  tree: ConfigTree;
  /** Of the same load as `tree`: a kubernetes-job's Job is rendered from its `job.yaml`. */
  templates: TemplateSet;
  environment: Environment;
  clusters: ClusterProvider;
  /** Where a kubernetes-job's app's running version is read. */
  history: ReleaseHistory;
}

/** The Job of a kubernetes-job datastore: its app's running release, rendered as a one-off task. */
async function jobTarget(sources: TargetSources, d: DatastoreSettings): Promise<KubernetesJobTarget> {
  const what = describeDatastore(d);
  if (!d.app || !d.job) throw new NestorError(ErrorCode.ConfigInvalid, `${what} is a kubernetes-job without its app or job: settings`);
  const [running] = await sources.history.list(d.app, d.env, 1);
  if (!running) {
    throw new NestorError(ErrorCode.BadInput, `${what} runs as a Job of ${d.app}, which has no release in ${d.env}: deploy ${d.app} to ${d.env} first (the Job reads its ConfigMap and Secret)`);
  }
  const config = configuredConfig(appConfig(sources.tree, d.app, d.env), sources.environment);
  return {
    env: d.env, name: d.name, kind: 'kubernetes-job',
    connection: {
      job: { app: d.app, env: d.env, config, templates: sources.templates, version: { sha: running.sha, ...(running.ref ? { ref: running.ref } : {}) } },
      image: d.job.image, snapshotCommand: d.job.snapshotCommand, restoreCommand: d.job.restoreCommand,
      ...(d.job.deadlineSeconds === undefined ? {} : { deadlineSeconds: d.job.deadlineSeconds }),
    },
  };
}

/** The target of a datastore: its connection read and split, or for a kubernetes-job its Job. */
export async function targetOf(sources: TargetSources, d: DatastoreSettings): Promise<DatastoreTarget> {
  const what = describeDatastore(d);
  if (d.kind === 'kubernetes-job') return jobTarget(sources, d);
  if (!d.connection) throw new NestorError(ErrorCode.ConfigInvalid, `${what} has no connection`);
  const value = 'setting' in d.connection
    ? sources.environment[d.connection.setting]
    : await secretValue(sources.clusters, sources.tree, d.env, d.connection);
  if (value === undefined || value === '') {
    throw new NestorError(ErrorCode.MissingEnvironmentValue, `the connection of ${what} is missing: ${where(d.connection)} has no value`);
  }
  return { env: d.env, name: d.name, kind: d.kind, connection: split(value, what) };
}
