// The field table the unknown-field check reads is generated from the Kubernetes client at build
// time (scripts/generate-kube-fields.mjs); this keeps it equal to what the installed client gives.
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import { describe, expect, it } from 'vitest';
import { KUBE_FIELDS } from '../../../src/core/render/kube-fields.js';

interface Model {
  getAttributeTypeMap?: () => { baseName: string; type: string }[];
}

function fromClient(): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = {};
  for (const [name, model] of Object.entries(models as unknown as Record<string, Model | undefined>)) {
    const attributes = model?.getAttributeTypeMap?.();
    if (attributes) table[name] = Object.fromEntries(attributes.map((a) => [a.baseName, a.type]));
  }
  return table;
}

describe('the generated Kubernetes field table', () => {
  it('equals the installed client\'s models (else run `node scripts/generate-kube-fields.mjs`)', () => {
    expect(KUBE_FIELDS).toEqual(fromClient());
  });

  it('holds the kinds Nestor renders, down to their containers', () => {
    expect(KUBE_FIELDS['V1Deployment']?.['spec']).toBe('V1DeploymentSpec');
    expect(KUBE_FIELDS['V1PodSpec']?.['containers']).toBe('Array<V1Container>');
    expect(KUBE_FIELDS['V1Container']?.['imagePullPolicy']).toBe('string');
  });
});
