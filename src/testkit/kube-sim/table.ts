/** Server-side printing (`as=Table`), so `kubectl get` shows the usual columns. */
import { getIn, isObject, num, str, type JsonObject, type JsonValue, type KubeObject } from './object-util.js';

type Cell = string | number;
type Column = readonly [name: string, cell: (obj: KubeObject, now: Date) => Cell];

export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function age(obj: KubeObject, now: Date): string {
  const created = str(obj.metadata.creationTimestamp);
  return created ? shortDuration(now.getTime() - Date.parse(created)) : '<unknown>';
}

const text = (path: string[], fallback: Cell = '<none>') => (obj: KubeObject): Cell => {
  const value = getIn(obj, path);
  return value === undefined || value === null ? fallback : typeof value === 'object' || typeof value === 'boolean' ? JSON.stringify(value) : value;
};

const count = (path: string[]) => (obj: KubeObject): number => {
  const value = getIn(obj, path);
  return isObject(value) ? Object.keys(value).length : Array.isArray(value) ? value.length : 0;
};

function list(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function podStatus(obj: KubeObject): string {
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  const waiting = list(getIn(obj, ['status', 'containerStatuses'])).map((c) => str(getIn(c, ['state', 'waiting', 'reason']))).find(Boolean);
  return waiting ?? str(getIn(obj, ['status', 'phase'])) ?? 'Pending';
}

function podReady(obj: KubeObject): string {
  const statuses = list(getIn(obj, ['status', 'containerStatuses']));
  const total = list(getIn(obj, ['spec', 'containers'])).length;
  return `${statuses.filter((c) => c.ready === true).length}/${total}`;
}

function restarts(obj: KubeObject): number {
  return list(getIn(obj, ['status', 'containerStatuses'])).reduce((sum, c) => sum + (num(c.restartCount) ?? 0), 0);
}

function servicePorts(obj: KubeObject): string {
  const ports = list(getIn(obj, ['spec', 'ports'])).map((p) => `${String(p.port)}/${str(p.protocol) ?? 'TCP'}`);
  return ports.length > 0 ? ports.join(',') : '<none>';
}

function jobStatus(obj: KubeObject): string {
  const conditions = list(getIn(obj, ['status', 'conditions']));
  const done = conditions.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  return done ? (done.type === 'Complete' ? 'Complete' : 'Failed') : 'Running';
}

/** From its start to its completion, or to now while it runs (a failed Job: to its last condition). */
function jobDuration(obj: KubeObject, now: Date): string {
  const start = str(getIn(obj, ['status', 'startTime']));
  if (!start) return '';
  const ended = str(getIn(obj, ['status', 'completionTime'])) ?? list(getIn(obj, ['status', 'conditions'])).map((c) => str(c.lastTransitionTime)).find((t) => t !== undefined);
  return shortDuration((ended ? Date.parse(ended) : now.getTime()) - Date.parse(start));
}

/** `cpu: <unknown>/75%`: the simulator has no metrics, so the current value is unknown, as on a cluster without metrics-server. */
function hpaTargets(obj: KubeObject): string {
  const targets = list(getIn(obj, ['spec', 'metrics'])).map((m) => {
    const resource = isObject(m.resource) ? m.resource : {};
    const target = isObject(resource.target) ? resource.target : {};
    const goal = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : str(target.averageValue) ?? str(target.value) ?? '<none>';
    return `${str(resource.name) ?? str(m.type) ?? 'metric'}: <unknown>/${goal}`;
  });
  return targets.join(', ') || '<none>';
}

const NAME: Column = ['Name', (o) => str(o.metadata.name) ?? ''];
const AGE: Column = ['Age', age];

const COLUMNS: Record<string, readonly Column[]> = {
  Namespace: [NAME, ['Status', text(['status', 'phase'])], AGE],
  ConfigMap: [NAME, ['Data', count(['data'])], AGE],
  Secret: [NAME, ['Type', text(['type'])], ['Data', count(['data'])], AGE],
  Service: [NAME, ['Type', text(['spec', 'type'])], ['Cluster-IP', text(['spec', 'clusterIP'])],
    ['External-IP', () => '<none>'], ['Port(s)', servicePorts], AGE],
  Pod: [NAME, ['Ready', podReady], ['Status', podStatus], ['Restarts', restarts], AGE],
  Deployment: [NAME, ['Ready', (o) => `${num(getIn(o, ['status', 'readyReplicas'])) ?? 0}/${num(getIn(o, ['spec', 'replicas'])) ?? 0}`],
    ['Up-to-date', (o) => num(getIn(o, ['status', 'updatedReplicas'])) ?? 0],
    ['Available', (o) => num(getIn(o, ['status', 'availableReplicas'])) ?? 0], AGE],
  Job: [NAME, ['Status', jobStatus],
    ['Completions', (o) => `${num(getIn(o, ['status', 'succeeded'])) ?? 0}/${num(getIn(o, ['spec', 'completions'])) ?? 1}`],
    ['Duration', jobDuration], AGE],
  CronJob: [NAME, ['Schedule', text(['spec', 'schedule'])], ['Suspend', text(['spec', 'suspend'], 'False')],
    ['Active', count(['status', 'active'])], AGE],
  HorizontalPodAutoscaler: [NAME, ['Reference', (o) => `${String(getIn(o, ['spec', 'scaleTargetRef', 'kind']))}/${String(getIn(o, ['spec', 'scaleTargetRef', 'name']))}`],
    ['Targets', hpaTargets], ['MinPods', text(['spec', 'minReplicas'], 1)], ['MaxPods', text(['spec', 'maxReplicas'])],
    ['Replicas', text(['status', 'currentReplicas'], 0)], AGE],
  Ingress: [NAME, ['Class', text(['spec', 'ingressClassName'])],
    ['Hosts', (o) => list(getIn(o, ['spec', 'rules'])).map((r) => str(r.host) ?? '*').join(',') || '*'], AGE],
  Event: [['Last Seen', (o, now) => {
    const at = str(o.lastTimestamp) ?? str(o.metadata.creationTimestamp);
    return at ? shortDuration(now.getTime() - Date.parse(at)) : '<unknown>';
  }], ['Type', text(['type'])], ['Reason', text(['reason'])],
  ['Object', (o) => `${String(getIn(o, ['involvedObject', 'kind'])).toLowerCase()}/${String(getIn(o, ['involvedObject', 'name']))}`],
  ['Message', text(['message'])]],
};

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept);
}

export function toTable(kind: string, objects: readonly KubeObject[], resourceVersion: string, includeObject: string | undefined, now: Date): JsonObject {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name], i) => ({
      name, type: name === 'Restarts' ? 'integer' : 'string', format: i === 0 && name === 'Name' ? 'name' : '', description: name, priority: 0,
    })),
    rows: objects.map((obj) => ({
      cells: columns.map(([, cell]) => cell(obj, now)),
      object: includeObject === 'Object'
        ? obj
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
    })),
  };
}
