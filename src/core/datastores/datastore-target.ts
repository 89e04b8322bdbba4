// A datastore of the config made a target its driver can reach: the connection read where the
// config says (a setting of Nestor's environment, or a key of a Kubernetes Secret in the
// environment's namespace) and its password taken out of the URL into a SecretText, so that what
// is logged, put in an error or a job's data never holds it.
import type { ConfigTree } from '../config/index.js';
import type { DatastoreConnection, DatastoreSettings } from '../config/datastore-settings.js';
import { mergedProject } from '../config/sync-settings.js';
import { ErrorCode, isNestorError, NestorError } from '../errors.js';
import type { ClusterProvider } from '../ports/cluster.js';
import { connectionOf, type DatastoreTarget } from '../ports/datastores.js';
import type { Environment } from '../config/index.js';

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
  environment: Environment;
  clusters: ClusterProvider;
}

/** The target of a postgresql or redis datastore; a kubernetes-job's is the job runner's to make. */
export async function targetOf(sources: TargetSources, d: DatastoreSettings): Promise<DatastoreTarget> {
  const what = describeDatastore(d);
  if (d.kind === 'kubernetes-job' || !d.connection) {
    throw new NestorError(ErrorCode.BadInput, `${what} is a kubernetes-job: this process does not run datastore Jobs yet`);
  }
  const value = 'setting' in d.connection
    ? sources.environment[d.connection.setting]
    : await secretValue(sources.clusters, sources.tree, d.env, d.connection);
  if (value === undefined || value === '') {
    throw new NestorError(ErrorCode.MissingEnvironmentValue, `the connection of ${what} is missing: ${where(d.connection)} has no value`);
  }
  return { env: d.env, name: d.name, kind: d.kind, connection: split(value, what) };
}
