/** The validation the simulator enforces: names, kinds matching the URL, deployment selectors, Secret and ConfigMap data. */
import { modelTypeOf, unknownFields } from '../../core/render/unknown-fields.js';
import { apiErrors, type StatusCause } from './api-error.js';
import { dataCauses } from './object-data.js';
import { getIn, isObject, stringMap, str, type KubeObject } from './object-util.js';
import type { ResourceType } from './resource-types.js';
import { matchesLabels, type Requirement } from './label-selector.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function nameCauses(resource: ResourceType, name: string): StatusCause[] {
  if (name === '') return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  const label = resource.kind === 'Namespace' || resource.kind === 'Service';
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (ok) return [];
  const what = label ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
  return [{ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": must be ${what}`, field: 'metadata.name' }];
}

function selectorRequirements(selector: unknown): Requirement[] {
  if (!isObject(selector)) return [];
  const reqs: Requirement[] = Object.entries(stringMap(selector.matchLabels)).map(([key, value]) => ({ key, op: 'in', values: [value] }));
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isObject) : [];
  for (const e of expressions) {
    const key = str(e.key) ?? '';
    const values = Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : [];
    const op = str(e.operator);
    if (op === 'In' || op === 'NotIn') reqs.push({ key, op: op === 'In' ? 'in' : 'notin', values });
    if (op === 'Exists' || op === 'DoesNotExist') reqs.push({ key, op: op === 'Exists' ? 'exists' : '!exists' });
  }
  return reqs;
}

function workloadCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = getIn(obj, ['spec', 'template', 'spec', 'containers']);
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
  } else {
    containers.forEach((c, i) => {
      if (!isObject(c) || !str(c.image)) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.template.spec.containers[${i}].image` });
    });
  }
  if (obj.kind !== 'Deployment') return causes;
  const selector = selectorRequirements(getIn(obj, ['spec', 'selector']));
  if (selector.length === 0) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
  } else if (!matchesLabels(selector, stringMap(getIn(obj, ['spec', 'template', 'metadata', 'labels'])))) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' });
  }
  return causes;
}

export function validate(resource: ResourceType, obj: KubeObject): void {
  const name = str(obj.metadata.name) ?? '';
  const workload = resource.kind === 'Deployment' || resource.kind === 'Job' ? workloadCauses(obj) : [];
  const causes = [...nameCauses(resource, name), ...workload, ...dataCauses(obj)];
  if (causes.length > 0) throw apiErrors.invalid(resource.kind, resource.group, name, causes);
}

/** Fields the object's kind does not declare (none are known for kinds the client has no model of). */
export function unknownFieldPaths(obj: KubeObject): string[] {
  return unknownFields(obj, modelTypeOf(str(obj.apiVersion) ?? '', str(obj.kind) ?? '')).map((f) => f.path);
}
