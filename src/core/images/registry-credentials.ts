// The credentials Nestor checks a registry with: `username` and `password` (a `$NAME` of its own
// environment), or the registry's entry in the dockerconfigjson Secret `credentials_secret` of
// the environment's namespace (the one a build pushes with). None configured: anonymous.
import { ENV_REFERENCE } from '../config/schema-constants.js';
import type { MergedConfig } from '../config/schema.js';
import type { Environment } from '../config/resolve-references.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { ClusterProvider } from '../ports/cluster.js';
import { SecretText } from '../ports/datastores.js';
import type { RegistryCredentials } from '../ports/image-registry.js';
import type { AppImage } from './app-images.js';

export interface CredentialSources {
  environment: Environment;
  clusters: ClusterProvider;
}

/** The first cluster of the environment and its namespace: where the environment's Secrets are read. */
export function homeCluster(config: MergedConfig, env: string): { context: string; namespace: string } {
  const first = config.deployments?.kubernetes?.[0];
  if (!first) throw new NestorError(ErrorCode.ConfigInvalid, `no cluster configured for ${env} (deployments.kubernetes in project.yaml)`);
  return { context: first.context ?? first.cluster_name, namespace: first.namespace ?? env };
}

function fromEnvironment(value: string, where: string, environment: Environment): string {
  const name = ENV_REFERENCE.exec(value)?.[1];
  if (name === undefined) return value;
  const resolved = environment[name];
  if (resolved === undefined) throw new NestorError(ErrorCode.MissingEnvironmentValue, `${where}: $${name} is not set in Nestor's environment`);
  return resolved;
}

interface DockerConfigAuth {
  username?: string;
  password?: string;
  auth?: string;
}

function parseDockerConfig(encoded: string | undefined): Record<string, DockerConfigAuth> | undefined {
  try {
    return (JSON.parse(Buffer.from(encoded ?? '', 'base64').toString('utf8')) as { auths?: Record<string, DockerConfigAuth> }).auths ?? {};
  } catch {
    return undefined;
  }
}

async function fromSecret(image: AppImage, name: string, config: MergedConfig, env: string, clusters: ClusterProvider): Promise<RegistryCredentials> {
  const { context, namespace } = homeCluster(config, env);
  const where = `${image.path}.credentials_secret: Secret ${namespace}/${name} of cluster ${context}`;
  const secret = await clusters.cluster(context).get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  if (!secret) throw new NestorError(ErrorCode.ConfigInvalid, `${where} does not exist`);
  const encoded = (secret.data as Record<string, string> | undefined)?.['.dockerconfigjson'];
  const auths = parseDockerConfig(encoded);
  if (!auths) throw new NestorError(ErrorCode.ConfigInvalid, `${where} has no valid .dockerconfigjson key`);
  const host = image.ref.registry;
  const entry = auths[host] ?? auths[`https://${host}`] ?? auths[`http://${host}`];
  const [user, ...rest] = entry?.auth ? Buffer.from(entry.auth, 'base64').toString('utf8').split(':') : [entry?.username, entry?.password];
  const password = entry?.auth ? rest.join(':') : rest[0];
  if (!user || !password) throw new NestorError(ErrorCode.ConfigInvalid, `${where} has no credentials for ${host}`);
  return { username: user, password: SecretText.of(password) };
}

export async function credentialsOf(image: AppImage, config: MergedConfig, env: string, sources: CredentialSources): Promise<RegistryCredentials | undefined> {
  const { username, password, credentials_secret: secret } = image.settings;
  if (secret !== undefined) return fromSecret(image, secret, config, env, sources.clusters);
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new NestorError(ErrorCode.ConfigInvalid, `${image.path}: username and password go together (or name a credentials_secret)`);
  }
  return {
    username: fromEnvironment(username, `${image.path}.username`, sources.environment),
    password: SecretText.of(fromEnvironment(password, `${image.path}.password`, sources.environment)),
  };
}
