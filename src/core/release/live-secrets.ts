import { createHmac } from 'node:crypto';
// Secret values live only in the cluster (`config set --secret` puts them there). A release
// re-applies them as they are, so that the history can keep them (encrypted) for a rollback.
import { SECRET_MASK, type MergedConfig } from '../config/index.js';
import type { ClusterProvider, KubeObject } from '../ports/cluster.js';
import type { ReleaseListener } from './events.js';

export const secretNameOf = (app: string): string => `${app}-secrets`;

/** Keys the config names as secrets: the `secrets:` list and variables masked as `********`. */
export function namedSecrets(config: MergedConfig): string[] {
  const names = new Set(config.secrets ?? []);
  for (const group of Object.values(config.variables ?? {})) {
    for (const [key, value] of Object.entries(group ?? {})) if (value === SECRET_MASK) names.add(key);
  }
  return [...names].sort();
}

function clustersOf(config: MergedConfig, env: string): { context: string; namespace: string }[] {
  return (config.deployments?.kubernetes ?? []).map((c) => ({ context: c.context ?? c.cluster_name, namespace: c.namespace ?? env }));
}

export interface LiveSecrets {
  values: Record<string, string>;
  /**
   * Changes when a value changes, so pods (which read secrets at start) roll. An HMAC keyed by
   * the Secret's uid: stable across no-op applies, and not a plain hash a reader of the
   * Deployment could test guesses of a value against.
   */
  version: string;
  /** The Secret the values were read from, and the context it was read in: what is live there. */
  read: { context: string; secret: KubeObject };
}

function versionOf(uid: string, values: Record<string, string>): string {
  return createHmac('sha256', uid).update(JSON.stringify(values)).digest('hex').slice(0, 16);
}

/**
 * The current values of the app's named secrets, read from the first cluster that has them;
 * undefined (with a warning) when some have no value yet.
 */
export async function liveSecretValues(
  provider: ClusterProvider, config: MergedConfig, app: string, env: string, onEvent: ReleaseListener,
): Promise<LiveSecrets | undefined> {
  const names = namedSecrets(config);
  if (names.length === 0) return undefined;
  let missing = names;
  for (const { context, namespace } of clustersOf(config, env)) {
    const secret = await provider.cluster(context).get({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretNameOf(app) });
    if (!secret) continue;
    const data = (secret.data ?? {}) as Record<string, string>;
    missing = names.filter((n) => data[n] === undefined);
    if (missing.length === 0) {
      const values = Object.fromEntries(names.map((n) => [n, Buffer.from(data[n]!, 'base64').toString('utf8')]));
      return { values, version: versionOf(String(secret.metadata.uid ?? secret.metadata.name), values), read: { context, secret } };
    }
  }
  onEvent({
    type: 'warning',
    message: `no value for secret ${missing.join(', ')} of ${app} in ${env}: set it with \`nestor config set ${app} ${env} ${missing[0]}=… --secret\``,
  });
  return undefined;
}
