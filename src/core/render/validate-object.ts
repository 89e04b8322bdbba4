// Every rendered object is checked against the Kubernetes schema of its kind before it leaves.
import { createRequire } from 'node:module';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { MAX_OBJECT_DATA_BYTES, sizeText } from '../config/variables-size.js';
import { ErrorCode, NestorError } from '../errors.js';
import { modelTypeOf, unknownFields } from './unknown-fields.js';

interface Validatable {
  validate(this: unknown): void;
}
type Model = { prototype: Validatable };

const load = createRequire(import.meta.url);
/**
 * Loaded on first use: its schemas bring a WebAssembly pattern engine (re2-wasm), some 20 ms and
 * 6 MB at every start, which only an environment with alert rules (and their routing) needs.
 */
const prometheusRule = (): Model =>
  (load('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule') as { PrometheusRule: Model }).PrometheusRule;

const alertmanagerConfig = (): Model =>
  (load('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig') as { AlertmanagerConfig: Model }).AlertmanagerConfig;

const MODELS: Record<string, () => Model> = {
  'v1/Namespace': () => Namespace,
  'v1/ConfigMap': () => ConfigMap,
  'v1/Secret': () => Secret,
  'v1/Service': () => Service,
  'apps/v1/Deployment': () => Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': () => HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': () => Ingress,
  'batch/v1/Job': () => Job,
  'batch/v1/CronJob': () => CronJob,
  'monitoring.coreos.com/v1/PrometheusRule': prometheusRule,
  'monitoring.coreos.com/v1alpha1/AlertmanagerConfig': alertmanagerConfig,
};

export const SUPPORTED_KINDS = Object.keys(MODELS);

/** Loads every model now: the CLI's startup snapshot carries them loaded (src/main/snapshot-entry.ts). */
export function loadModels(): void {
  for (const model of Object.values(MODELS)) model();
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** CronJob names get an 11-character suffix for their Jobs. */
const MAX_NAME: Record<string, number> = { CronJob: 52 };

interface AjvLikeError {
  instancePath?: string;
  message?: string;
}

/** Throws a one-line RenderFailed naming the template, the object and the field path. */
export function validateObject(obj: Record<string, unknown>, template: string): void {
  const kind = `${String(obj['apiVersion'])}/${String(obj['kind'])}`;
  const model = MODELS[kind]?.();
  const name = nameOf(obj);
  if (!model) {
    fail(template, `${kind} "${name}"`, `unsupported kind (supported: ${SUPPORTED_KINDS.join(', ')})`);
  }
  const what = `${String(obj['kind'])} "${name}"`;
  checkName(obj, name, template, what);
  try {
    // The model's validate() only reads `this`: run it on the plain object, skipping the model's deep copy.
    model.prototype.validate.call(obj);
  } catch (e) {
    const errors = (e as { errors?: AjvLikeError[] }).errors ?? [];
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    fail(template, what, first ? `${fieldPath(first.instancePath ?? '')}: ${first.message ?? 'invalid'}${more}` : String(e));
  }
  checkFields(obj, template, what);
  if (obj['kind'] === 'Deployment') checkSelector(obj, template, what);
  if (obj['kind'] === 'ConfigMap' || obj['kind'] === 'Secret') checkDataSize(obj, template, what);
}

/** The API server refuses more than 1 MiB of data (decoded, for a Secret): say it before applying. */
function checkDataSize(obj: Record<string, unknown>, template: string, what: string): void {
  const secret = obj['kind'] === 'Secret';
  const utf8 = (v: string) => Buffer.byteLength(v, 'utf8');
  const decoded = (v: string) => Buffer.from(v, 'base64').length;
  const bytes = mapBytes(obj['data'], secret ? decoded : utf8) + mapBytes(obj['binaryData'], decoded) + mapBytes(obj['stringData'], utf8);
  if (bytes <= MAX_OBJECT_DATA_BYTES) return;
  fail(template, what, `data: ${sizeText(bytes)}, above the API server's limit of ${sizeText(MAX_OBJECT_DATA_BYTES)}`);
}

function mapBytes(map: unknown, size: (value: string) => number): number {
  if (map === null || typeof map !== 'object') return 0;
  let total = 0;
  for (const value of Object.values(map)) if (typeof value === 'string') total += size(value);
  return total;
}

/** As the API server's strict field validation: an unknown key would otherwise be dropped silently. */
function checkFields(obj: Record<string, unknown>, template: string, what: string): void {
  const unknown = unknownFields(obj, modelTypeOf(String(obj['apiVersion']), String(obj['kind'])));
  const first = unknown[0];
  if (!first) return;
  const guess = first.suggestion ? ` (did you mean "${first.suggestion}"?)` : '';
  const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : '';
  fail(template, what, `${first.path}: unknown field${guess}${more}`);
}

function nameOf(obj: Record<string, unknown>): string {
  const meta = obj['metadata'] as { name?: unknown } | undefined;
  return typeof meta?.name === 'string' ? meta.name : '';
}

function checkName(obj: Record<string, unknown>, name: string, template: string, what: string): void {
  const max = MAX_NAME[String(obj['kind'])] ?? 63;
  if (!DNS_LABEL.test(name) || name.length > max) {
    fail(template, what, `metadata.name: must be lowercase letters, digits and dashes, at most ${max} characters`);
  }
}

/** The API server rejects a selector that does not match the pod labels; say it before applying. */
function checkSelector(obj: Record<string, unknown>, template: string, what: string): void {
  const spec = obj['spec'] as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } };
  const selector = spec.selector?.matchLabels ?? {};
  const labels = spec.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) fail(template, what, `spec.selector.matchLabels.${k}: does not match the pod template labels`);
  }
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '(object)';
}

function fail(template: string, what: string, message: string): never {
  throw new NestorError(ErrorCode.RenderFailed, `${template}: invalid ${what}: ${message}`, { detail: { template } });
}
