// `config set --secret` writes values straight into the Kubernetes Secret `<app>-secrets` of
// each cluster of the environment (server-side apply, field manager nestor, the renderer's
// labels); `config unset` of a secret takes its key out again. Values never reach an event,
// a message or an error: only key names do.
import { describeRef, refOf, type ClusterProvider, type KubeObject, type ObjectRef } from '../ports/cluster.js';
import { RELEASE } from '../render/labels.js';
import type { ConfiguredManifests } from '../render/index.js';
import { FIELD_MANAGER } from './cluster-steps.js';
import type { ReleaseListener } from './events.js';
import { secretNameOf } from './live-secrets.js';
import type { SecretValues } from './secret-input.js';

/** Where the Secret of the app lives on one cluster, and how to label it. */
export interface SecretTarget {
  cluster: string;
  context: string;
  namespace: string;
  labels: Record<string, string>;
  /** The rendered Namespace, applied first when the namespace doesn't exist yet. */
  namespaceObject?: KubeObject;
}

/** Puts every cluster's Secret back as it was. */
export type UndoSecrets = () => Promise<void>;

/**
 * The Secret's place on each cluster, from a render of the app: the app's ConfigMap carries the
 * labels the renderer gives its Secret (same process, `config`). Without a running release the
 * release label is left out: the first release sets it.
 */
export function secretTargets(rendered: ConfiguredManifests, app: string, released: boolean): SecretTarget[] {
  return rendered.clusters.map((c) => {
    const configMap = c.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === app);
    const labels = { ...(configMap?.metadata.labels ?? {}) };
    if (!released) delete labels[RELEASE];
    const namespaceObject = c.objects.find((o) => o.kind === 'Namespace');
    return { cluster: c.cluster, context: c.context, namespace: c.namespace, labels, ...(namespaceObject ? { namespaceObject } : {}) };
  });
}

function secretRef(app: string, namespace: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Secret', namespace, name: secretNameOf(app) };
}

function secretObject(app: string, target: SecretTarget, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: secretNameOf(app), namespace: target.namespace, labels: target.labels },
    data,
  };
}

const dataOf = (secret: KubeObject | undefined): Record<string, string> => ({ ...((secret?.data ?? {}) as Record<string, string>) });

async function applySecret(provider: ClusterProvider, app: string, target: SecretTarget, data: Record<string, string>, onEvent: ReleaseListener): Promise<void> {
  const cluster = provider.cluster(target.context);
  if (target.namespaceObject && !(await cluster.get(refOf(target.namespaceObject)))) {
    await cluster.apply([target.namespaceObject], { fieldManager: FIELD_MANAGER });
  }
  const [applied] = await cluster.apply([secretObject(app, target, data)], { fieldManager: FIELD_MANAGER });
  if (applied) onEvent({ type: 'applied', cluster: target.cluster, object: describeRef(applied.ref), result: applied.result });
}

/**
 * Adds the values to the Secret on every cluster (its other keys kept). When a cluster fails,
 * those already written are put back before the error is thrown; on success, returns how to
 * put them all back (if the config commit then fails).
 */
export async function putSecretValues(
  provider: ClusterProvider, app: string, targets: readonly SecretTarget[], values: SecretValues, onEvent: ReleaseListener,
): Promise<UndoSecrets> {
  const done: { target: SecretTarget; before: KubeObject | undefined }[] = [];
  const undo: UndoSecrets = async () => {
    for (const { target, before } of done.reverse()) {
      if (before) await applySecret(provider, app, target, dataOf(before), onEvent);
      else await provider.cluster(target.context).delete(secretRef(app, target.namespace));
    }
  };
  try {
    for (const target of targets) {
      const before = await provider.cluster(target.context).get(secretRef(app, target.namespace));
      await applySecret(provider, app, target, { ...dataOf(before), ...values.base64() }, onEvent);
      done.push({ target, before });
    }
  } catch (error) {
    await undo().catch(() => onEvent({ type: 'warning', message: `could not put Secret ${secretNameOf(app)} back as it was on ${done.map((d) => d.target.cluster).join(', ')}` }));
    throw error;
  }
  return undo;
}

/**
 * Takes keys out of the Secret on every cluster. Returns `cluster: key` for keys still there
 * afterwards: another field manager holds them too, and server-side apply leaves them.
 */
export async function removeSecretKeys(
  provider: ClusterProvider, app: string, targets: readonly SecretTarget[], keys: readonly string[], onEvent: ReleaseListener,
): Promise<string[]> {
  const left: string[] = [];
  for (const target of targets) {
    const cluster = provider.cluster(target.context);
    const live = await cluster.get(secretRef(app, target.namespace));
    const data = dataOf(live);
    if (!live || !keys.some((k) => k in data)) continue;
    for (const key of keys) delete data[key];
    await applySecret(provider, app, target, data, onEvent);
    const after = dataOf(await cluster.get(secretRef(app, target.namespace)));
    left.push(...keys.filter((k) => k in after).map((k) => `${target.cluster}: ${k}`));
  }
  return left;
}
