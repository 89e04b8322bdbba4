import { describe, expect, it } from 'vitest';
import { modelTypeOf, unknownFields } from '../../../src/core/render/unknown-fields.js';

describe('unknown fields', () => {
  it('names the model type of each kind Nestor renders', () => {
    expect(modelTypeOf('apps/v1', 'Deployment')).toBe('V1Deployment');
    expect(modelTypeOf('autoscaling/v2', 'HorizontalPodAutoscaler')).toBe('V2HorizontalPodAutoscaler');
    expect(modelTypeOf('v1', 'Namespace')).toBe('V1Namespace');
  });

  it('finds nothing in a complete, correct object, whatever its labels and map keys', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'mary-web', labels: { 'app.kubernetes.io/managed-by': 'nestor' }, annotations: { 'x/y': 'z' } },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'mary' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'mary' } },
          spec: {
            containers: [{
              name: 'web', image: 'x', ports: [{ containerPort: 8080 }],
              env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
              resources: { limits: { cpu: '200m', memory: '250Mi' } },
              readinessProbe: { httpGet: { path: '/', port: 'http' } },
            }],
            nodeSelector: { tier: 'app' },
          },
        },
      },
    };
    expect(unknownFields(deployment, 'V1Deployment')).toEqual([]);
  });

  it('finds every misspelt key, at any depth, with a suggestion when one is close', () => {
    const found = unknownFields({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', label: {} },
      spec: { replica: 2, template: { spec: { containers: [{ name: 'a' }, { name: 'b', imagePullPolice: 'Always', zzzzzzzz: 1 }] } } },
    }, 'V1Deployment');
    expect(found).toEqual([
      { path: 'metadata.label', suggestion: 'labels' },
      { path: 'spec.replica', suggestion: 'replicas' },
      { path: 'spec.template.spec.containers[1].imagePullPolice', suggestion: 'imagePullPolicy' },
      { path: 'spec.template.spec.containers[1].zzzzzzzz' },
    ]);
  });

  it('leaves values of the wrong type to the schema check', () => {
    expect(unknownFields({ spec: 'not a map', metadata: [1] }, 'V1Service')).toEqual([]);
  });
});
