import { describe, it, expect } from 'vitest';
import { serverSideApply } from '../../../src/testkit/kube-sim/server-side-apply.js';
import { recordUpdate, readManagedFields } from '../../../src/testkit/kube-sim/managed-fields.js';
import { ApiError } from '../../../src/testkit/kube-sim/api-error.js';
import type { JsonObject, KubeObject } from '../../../src/testkit/kube-sim/object-util.js';

const TIME = '2025-01-01T00:00:00Z';
const CTX = { group: 'apps', plural: 'deployments' };

function deployment(spec: JsonObject, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'demo', labels }, spec };
}

function container(image: string, extra: JsonObject = {}): JsonObject {
  return { template: { spec: { containers: [{ name: 'web', image, ...extra }] } } };
}

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, force = false): KubeObject {
  return serverSideApply({ live, applied, manager, force, time: TIME }, CTX);
}

function owners(obj: KubeObject): Record<string, string[]> {
  return Object.fromEntries(readManagedFields(obj).map((e) => [`${e.manager}:${e.operation}`, [...e.fields].sort()]));
}

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a conflict');
}

describe('server-side apply field ownership', () => {
  it('records the applied leaf fields for the manager, keyed list items included', () => {
    const obj = apply(undefined, deployment({ replicas: 2, ...container('web:1') }), 'nestor');
    expect(owners(obj)['nestor:Apply']).toEqual([
      '["f:metadata","f:labels","f:app"]',
      '["f:spec","f:replicas"]',
      '["f:spec","f:template","f:spec","f:containers","k:{\\"name\\":\\"web\\"}","."]',
      '["f:spec","f:template","f:spec","f:containers","k:{\\"name\\":\\"web\\"}","f:image"]',
      '["f:spec","f:template","f:spec","f:containers","k:{\\"name\\":\\"web\\"}","f:name"]',
    ]);
    expect(obj.metadata.managedFields).toEqual([expect.objectContaining({
      manager: 'nestor', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1',
    })]);
  });

  it('re-applying the same configuration by the same manager changes nothing', () => {
    const first = apply(undefined, deployment({ replicas: 2 }), 'nestor');
    expect(apply(first, deployment({ replicas: 2 }), 'nestor')).toEqual(first);
  });

  it('lets a manager change its own fields', () => {
    const first = apply(undefined, deployment({ replicas: 2 }), 'nestor');
    expect(apply(first, deployment({ replicas: 5 }), 'nestor').spec).toEqual({ replicas: 5 });
  });

  it('gives a 409 naming the other manager and field when a value owned by another manager changes', () => {
    const first = apply(undefined, deployment({ replicas: 2, ...container('web:1') }), 'nestor');
    const error = conflictOf(() => apply(first, deployment({ replicas: 3, ...container('web:2') }), 'hpa-tool'));
    expect(error.code).toBe(409);
    expect(error.reason).toBe('Conflict');
    expect(error.message).toBe('Apply failed with 2 conflicts: conflicts with "nestor" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image');
    expect(error.toStatus()).toMatchObject({
      kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409,
      details: {
        name: 'web', group: 'apps', kind: 'deployments',
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "nestor" using apps/v1', field: '.spec.replicas' },
          { reason: 'FieldManagerConflict', message: 'conflict with "nestor" using apps/v1', field: '.spec.template.spec.containers[name="web"].image' },
        ],
      },
    });
  });

  it('co-owns a field applied with the same value, without conflict', () => {
    const first = apply(undefined, deployment({ replicas: 2 }), 'nestor');
    const shared = apply(first, deployment({ replicas: 2 }), 'other');
    expect(owners(shared)['nestor:Apply']).toContain('["f:spec","f:replicas"]');
    expect(owners(shared)['other:Apply']).toContain('["f:spec","f:replicas"]');
  });

  it('force takes ownership of conflicting fields away from the other manager', () => {
    const first = apply(undefined, deployment({ replicas: 2, ...container('web:1') }), 'nestor');
    const forced = apply(first, deployment({ replicas: 3 }), 'other', true);
    expect(forced.spec).toMatchObject({ replicas: 3 });
    expect(owners(forced)['nestor:Apply']).not.toContain('["f:spec","f:replicas"]');
    expect(owners(forced)['other:Apply']).toContain('["f:spec","f:replicas"]');
    expect(conflictOf(() => apply(forced, deployment({ replicas: 4, ...container('web:1') }), 'nestor')).message)
      .toBe('Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.replicas');
  });

  it('removes fields a manager stops applying, unless another manager owns them', () => {
    const first = apply(undefined, deployment({ replicas: 2, minReadySeconds: 5 }, { app: 'web', team: 'a' }), 'nestor');
    const dropped = apply(first, deployment({ replicas: 2 }), 'nestor');
    expect(dropped.spec).toEqual({ replicas: 2 });
    expect(dropped.metadata.labels).toEqual({ app: 'web' });
    const shared = apply(first, deployment({ minReadySeconds: 5 }), 'other');
    const kept = apply(shared, deployment({ replicas: 2 }), 'nestor');
    expect(kept.spec).toEqual({ replicas: 2, minReadySeconds: 5 });
  });

  it('merges containers by name so two managers can own different containers', () => {
    const first = apply(undefined, deployment(container('web:1')), 'nestor');
    const sidecar: JsonObject = { template: { spec: { containers: [{ name: 'proxy', image: 'proxy:1' }] } } };
    const both = apply(first, deployment(sidecar), 'mesh');
    const names = ((both.spec as JsonObject).template as JsonObject);
    expect(JSON.stringify(names)).toContain('"name":"web"');
    expect(JSON.stringify(names)).toContain('"name":"proxy"');
  });

  it('an update by another client takes the fields it changes; the applier then conflicts', () => {
    const first = apply(undefined, deployment({ replicas: 2 }), 'nestor');
    const scaled = structuredClone(first);
    (scaled.spec as JsonObject).replicas = 7;
    recordUpdate(first, scaled, 'kubectl-scale', TIME);
    expect(owners(scaled)['kubectl-scale:Update']).toEqual(['["f:spec","f:replicas"]']);
    expect(owners(scaled)['nestor:Apply']).not.toContain('["f:spec","f:replicas"]');
    expect(conflictOf(() => apply(scaled, deployment({ replicas: 2 }), 'nestor')).message).toContain('conflict with "kubectl-scale"');
  });
});
