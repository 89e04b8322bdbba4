// A one-off Job of an app in the image, config and secrets of a release: an admin process
// (`nestor run`) or the release phase (Procfile `release:`). The Job is rendered from job.yaml,
// then its container takes the image, env and resources of the release's Deployment of the
// process, and the release's ConfigMap values inline: the Job sees that release's config even
// when the ConfigMap in the cluster is not (yet, or any more) that release's.
import { createHash } from 'node:crypto';
import { ErrorCode, NestorError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Cluster, KubeObject } from '../ports/cluster.js';
import { PodLogFollower } from './pod-log-follower.js';
import { runOneOffJob, type OneOffJobEnd } from './run-one-off-job.js';

interface EnvVar {
  name: string;
  [key: string]: unknown;
}

interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  envFrom?: unknown[];
  resources?: unknown;
  [key: string]: unknown;
}

const containersOf = (o: KubeObject): Container[] =>
  ((o['spec'] as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template?.spec?.containers) ?? [];

/** A run id for a Job name from a job id: short, DNS-safe, the same for a retried job (so its Job is found again). */
export function runIdOf(jobId: string): string {
  return createHash('sha256').update(jobId).digest('hex').slice(0, 10);
}

/** The Deployment of `process` among a release's objects; without a process, `web` else the first. */
export function deploymentOf(objects: readonly KubeObject[], app: string, process?: string): KubeObject {
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app'] === app);
  const named = (p: string) => deployments.find((d) => d.metadata.labels?.['process'] === p);
  const found = process === undefined ? (named('web') ?? deployments[0]) : named(process);
  if (found) return found;
  const known = deployments.map((d) => d.metadata.labels?.['process'] ?? d.metadata.name);
  throw new NestorError(ErrorCode.BadInput, process === undefined
    ? `${app} runs no process in this release (no Deployment): nothing to take the image from`
    : `${app} has no process ${process} in this release${known.length ? ` (processes: ${known.join(', ')})` : ''}`);
}

/** The ConfigMap values a container of the release reads, as env entries. */
function configEntries(objects: readonly KubeObject[], container: Container): EnvVar[] {
  const names = new Set((container.envFrom ?? []).flatMap((e) => {
    const name = (e as { configMapRef?: { name?: string } }).configMapRef?.name;
    return name === undefined ? [] : [name];
  }));
  const maps = objects.filter((o) => o.kind === 'ConfigMap' && names.has(o.metadata.name));
  return maps.flatMap((m) => Object.entries((m['data'] ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value })));
}

/**
 * The rendered Job with the container of `deployment` (among `objects`, one cluster's release;
 * without one, the Job's own): its image, resources, and env (the ConfigMap's values first, the
 * container's own entries, PORT and secrets by reference, over them). The Job's command and name are kept.
 */
export function withReleaseContainer(job: KubeObject, objects: readonly KubeObject[], deployment?: KubeObject): KubeObject {
  const source = containersOf(deployment ?? job)[0];
  if (!source) throw new NestorError(ErrorCode.RenderFailed, `${(deployment ?? job).metadata.name} has no container`);
  const own = source.env ?? [];
  const config = configEntries(objects, source).filter((e) => !own.some((o) => o.name === e.name));
  const spec = job['spec'] as { template: { spec: Record<string, unknown> } };
  const containers = containersOf(job).map((c) => {
    const { envFrom: _envFrom, ...rest } = c;
    return { ...rest, image: source.image, env: [...config, ...own], ...(source.resources === undefined ? {} : { resources: source.resources }) };
  });
  return { ...job, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } } };
}

export interface AppJobOptions {
  clock: Clock;
  fieldManager: string;
  timeoutMs: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** New lines of the pod's log as it prints them (its log is followed while it runs). */
  onLog?: (lines: string[]) => void;
}

export type AppJobEnd = OneOffJobEnd & {
  /** The container's exit code, when its pod ended. */
  exitCode?: number;
  /** The end of the log of the Job's pod, its last LOG_KEPT_LINES lines ('' when it left none). */
  log: string;
};

/** Lines of the end of a Job's log kept for its result (a long log is never held whole). */
export const LOG_KEPT_LINES = 200;

async function podOf(cluster: Cluster, namespace: string, job: string): Promise<KubeObject | undefined> {
  const pods = await cluster.list({ namespace, kinds: [{ apiVersion: 'v1', kind: 'Pod' }], labelSelector: `job-name=${job}` });
  return pods.at(-1);
}

function exitCodeOf(pod: KubeObject | undefined): number | undefined {
  const statuses = (pod?.['status'] as { containerStatuses?: { state?: { terminated?: { exitCode?: number } } }[] } | undefined)?.containerStatuses;
  return statuses?.[0]?.state?.terminated?.exitCode;
}

const containerOf = (pod: KubeObject): string => (pod['spec'] as { containers?: { name?: string }[] } | undefined)?.containers?.[0]?.name ?? '';

/**
 * Runs the Job to its end (see runOneOffJob); with `onLog`, its pod's log is followed meanwhile
 * (again from where it stopped when the follow drops). Then its exit code and the end of its log.
 */
export async function runAppJob(cluster: Cluster, job: KubeObject, options: AppJobOptions): Promise<AppJobEnd> {
  const namespace = job.metadata.namespace ?? '';
  const name = job.metadata.name;
  const log = new PodLogFollower(cluster, namespace, { keep: LOG_KEPT_LINES, ...(options.onLog ? { onLines: options.onLog } : {}) });
  const follow = async (): Promise<void> => {
    if (log.isOpen) return;
    const pod = await podOf(cluster, namespace, name);
    if (pod) log.follow(pod.metadata.name, containerOf(pod));
  };
  try {
    const end = await runOneOffJob(cluster, job, {
      clock: options.clock, fieldManager: options.fieldManager, timeoutMs: options.timeoutMs,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLog ? { onWait: follow } : {}),
    });
    if (end.state === 'stopped' || end.state === 'timed-out') return { ...end, log: '' };
    const pod = await podOf(cluster, namespace, name);
    if (pod) await log.finish(pod.metadata.name, containerOf(pod));
    const exitCode = exitCodeOf(pod);
    return { ...end, log: log.tail.join('\n'), ...(exitCode === undefined ? {} : { exitCode }) };
  } finally {
    log.stop();
  }
}

/** The last `count` non-empty lines of a log. */
export function logTail(log: string, count: number): string[] {
  return log.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-count);
}
