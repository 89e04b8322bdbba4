// Nestor's labels and the target namespace go on every object whatever the template says, so an
// override template can neither escape pruning nor write into another namespace.
import { ErrorCode, NestorError } from '../errors.js';
import type { RenderedDocs } from './template-set.js';
import type { KubeMetadata, KubeObject } from './types.js';
import { validateObject } from './validate-object.js';

export interface Stamp {
  /** The environment's namespace on this cluster: every namespaced object goes there. */
  namespace: string;
  labels: Record<string, string>;
  /** Set for namespace.yaml, the one template that renders the environment's Namespace. */
  namespaceTemplate?: boolean;
}

export function stampAndValidate(rendered: RenderedDocs, stamp: Stamp): KubeObject[] {
  return rendered.docs.map((doc) => {
    const meta = doc['metadata'];
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      throw new NestorError(ErrorCode.RenderFailed, `${rendered.template}: an object has no metadata`);
    }
    const m = meta as KubeMetadata;
    m.labels = { ...(m.labels ?? {}), ...stamp.labels };
    if (doc['kind'] === 'Namespace') {
      // Another team's namespace (kube-system...) would get our labels and Pod Security settings;
      // the environment's own one under an app's labels would be pruned with that app.
      if (m.name !== stamp.namespace || stamp.namespaceTemplate !== true) {
        throw new NestorError(
          ErrorCode.RenderFailed,
          `${rendered.template}: renders Namespace "${String(m.name)}": only namespace.yaml may render a Namespace, and only the environment's own ("${stamp.namespace}")`,
          { detail: { template: rendered.template, namespace: String(m.name) } },
        );
      }
    } else {
      if (m.namespace !== undefined && m.namespace !== stamp.namespace) {
        throw new NestorError(
          ErrorCode.RenderFailed,
          `${rendered.template}: metadata.namespace: "${String(m.namespace)}" is not the target namespace "${stamp.namespace}"`,
        );
      }
      m.namespace = stamp.namespace;
    }
    validateObject(doc, rendered.template);
    return doc as KubeObject;
  });
}
