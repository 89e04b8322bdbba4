// Nestor's labels and the target namespace go on every object whatever the template says, so an
// override template can neither escape pruning nor write into another namespace.
import { ErrorCode, NestorError } from '../errors.js';
import type { RenderedDocs } from './template-set.js';
import type { KubeMetadata, KubeObject } from './types.js';
import { validateObject } from './validate-object.js';

export interface Stamp {
  /** Undefined for cluster-scoped objects (Namespace). */
  namespace: string | undefined;
  labels: Record<string, string>;
}

export function stampAndValidate(rendered: RenderedDocs, stamp: Stamp): KubeObject[] {
  return rendered.docs.map((doc) => {
    const meta = doc['metadata'];
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      throw new NestorError(ErrorCode.RenderFailed, `${rendered.template}: an object has no metadata`);
    }
    const m = meta as KubeMetadata;
    m.labels = { ...(m.labels ?? {}), ...stamp.labels };
    if (stamp.namespace !== undefined && doc['kind'] !== 'Namespace') {
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
