/** The defaulting the real API server does on write, for the fields tools look at. */
import { child, isObject, type JsonObject, type JsonValue, type KubeObject } from './object-util.js';

type Defaulter = (obj: KubeObject, allocateIp: () => string) => void;

function setDefault(obj: JsonObject, key: string, value: JsonValue): void {
  if (obj[key] === undefined) obj[key] = value;
}

function defaultContainers(podSpec: JsonObject): void {
  for (const list of [podSpec.containers, podSpec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const container of list.filter(isObject)) {
      const image = typeof container.image === 'string' ? container.image : '';
      setDefault(container, 'imagePullPolicy', /:latest$|^[^:]*$/.test(image) ? 'Always' : 'IfNotPresent');
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      if (Array.isArray(container.ports)) for (const port of container.ports.filter(isObject)) setDefault(port, 'protocol', 'TCP');
    }
  }
  setDefault(podSpec, 'dnsPolicy', 'ClusterFirst');
  setDefault(podSpec, 'schedulerName', 'default-scheduler');
  setDefault(podSpec, 'securityContext', {});
  setDefault(podSpec, 'terminationGracePeriodSeconds', 30);
}

function defaultPodTemplate(spec: JsonObject, restartPolicy: string): void {
  const podSpec = child(child(spec, 'template'), 'spec');
  setDefault(podSpec, 'restartPolicy', restartPolicy);
  defaultContainers(podSpec);
}

const DEFAULTERS: Record<string, Defaulter> = {
  Deployment: (obj) => {
    const spec = child(obj, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    defaultPodTemplate(spec, 'Always');
  },
  Job: (obj) => {
    const spec = child(obj, 'spec');
    setDefault(spec, 'backoffLimit', 6);
    setDefault(spec, 'completions', 1);
    setDefault(spec, 'parallelism', 1);
    defaultPodTemplate(spec, 'Never');
  },
  CronJob: (obj) => {
    const spec = child(obj, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jobSpec = child(child(spec, 'jobTemplate'), 'spec');
    defaultPodTemplate(jobSpec, 'Never');
  },
  Pod: (obj) => defaultContainers(child(obj, 'spec')),
  Service: (obj, allocateIp) => {
    const spec = child(obj, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec.clusterIP === undefined && spec.type !== 'ExternalName') spec.clusterIP = allocateIp();
    if (spec.clusterIP !== 'None' && spec.clusterIPs === undefined && typeof spec.clusterIP === 'string') spec.clusterIPs = [spec.clusterIP];
    if (!Array.isArray(spec.ports)) return;
    for (const port of spec.ports.filter(isObject)) {
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port ?? null);
    }
  },
  Secret: (obj) => setDefault(obj, 'type', 'Opaque'),
};

export function createIpAllocator(): () => string {
  let next = 10;
  return () => {
    next++;
    return `10.96.${Math.floor(next / 250)}.${next % 250}`;
  };
}

export function applyDefaults(obj: KubeObject, allocateIp: () => string): void {
  DEFAULTERS[obj.kind]?.(obj, allocateIp);
}
