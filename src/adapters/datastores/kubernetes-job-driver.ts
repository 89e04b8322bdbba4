// Kubernetes-Job driver, for stores Nestor cannot reach: a snapshot or restore is a one-off Job
// of the datastore's app (rendered from job.yaml: the app's ConfigMap and Secret, so the
// store's credentials stay in the cluster), in the image and with the command of its config,
// told what to do by NESTOR_ACTION, NESTOR_ENV, NESTOR_DATASTORE and NESTOR_SNAPSHOT. The Job
// keeps the data itself; the snapshot Nestor keeps is a reference to the run that took it.
// Atomicity of a restore is the restore command's: Nestor only says whether the Job succeeded,
// and the end of its log when it failed.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { ErrorCode, NestorError } from '../../core/errors.js';
import type { ClusterProvider, KubeObject } from '../../core/ports/cluster.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DatastoreDriver, DriverRunOptions, KubernetesJobTarget } from '../../core/ports/datastores.js';
import { jobLogTail } from '../../core/release/job-log-tail.js';
import { runOneOffJob } from '../../core/release/run-one-off-job.js';
import { renderJob } from '../../core/render/render-job.js';
import { targetOfKind } from './connection-url.js';

export interface KubernetesJobDriverDeps {
  clusters: ClusterProvider;
  clock: Clock;
  fieldManager: string;
  /** Default 2000. */
  pollIntervalMs?: number;
}

/** The content of a kubernetes-job snapshot file. */
interface JobReference {
  kind: 'kubernetes-job';
  snapshotId: string;
  job: string;
}

type Action = 'snapshot' | 'restore';
const DEFAULT_DEADLINE_SECONDS = 3600;
/** A Job's name is also its pods' `job-name` label value: at most 63 characters. */
const JOB_NAME_MAX = 63;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The run id as the end of a Job name `<prefix><id>`: as it is when it is a DNS label that fits,
 * else lowercased, cut and ended with a hash of the whole id (a queue job id `slack-T0KAPTEN-…`, a
 * schedule firing `repeat:nestor:staging:datastore-nightly:…`). The same id gives the same name,
 * so a retried run finds its Job.
 */
export function jobRunId(prefix: string, runId: string): string {
  const room = JOB_NAME_MAX - prefix.length;
  if (DNS_LABEL.test(runId) && runId.length <= room) return runId;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  const readable = runId.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, Math.max(room - hash.length - 1, 0)).replace(/^-+|-+$/g, '');
  return readable ? `${readable}-${hash}` : hash;
}

export function kubernetesJobDriver(deps: KubernetesJobDriverDeps): DatastoreDriver {
  const run = async (target: KubernetesJobTarget, action: Action, options: DriverRunOptions): Promise<string> => {
    const c = target.connection;
    const deadlineSeconds = c.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
    const task = `datastore-${action}`;
    const manifests = renderJob({
      ...c.job, task, command: action === 'snapshot' ? c.snapshotCommand : c.restoreCommand,
      // The datastore in the name: one run (a nightly firing) snapshots several datastores of an app.
      runId: jobRunId(`${c.job.app}-${task}-`, `${target.name}-${options.runId}`), activeDeadlineSeconds: deadlineSeconds,
    });
    const job = withDatastore(manifests.objects[0]!, target, action, options.snapshotId);
    const cluster = deps.clusters.cluster(manifests.context);
    const end = await runOneOffJob(cluster, job, {
      clock: deps.clock, fieldManager: deps.fieldManager, timeoutMs: (deadlineSeconds + 120) * 1000,
      ...(deps.pollIntervalMs === undefined ? {} : { pollIntervalMs: deps.pollIntervalMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const what = `the ${action} Job ${end.job} of datastore ${target.env}/${target.name}`;
    if (end.state === 'complete') return end.job;
    if (end.state === 'stopped') throw new NestorError(ErrorCode.Cancelled, `${what} was stopped (and deleted)`);
    if (end.state === 'timed-out') throw new NestorError(ErrorCode.DatastoreFailed, `${what} did not end within ${deadlineSeconds} s (deleted)`);
    const tail = await jobLogTail(cluster, manifests.namespace, job.metadata.name);
    throw new NestorError(ErrorCode.DatastoreFailed, `${what} failed: ${end.reason}${end.message ? ` (${end.message})` : ''}${tail}`);
  };

  return {
    kind: 'kubernetes-job',
    extension: 'jobref.json',
    size: async () => undefined,

    async snapshot(target, file, options) {
      const job = await run(targetOfKind(target, 'kubernetes-job'), 'snapshot', options);
      const reference: JobReference = { kind: 'kubernetes-job', snapshotId: options.snapshotId, job };
      await writeFile(file, `${JSON.stringify(reference, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    },

    async restore(target, file, options) {
      const reference = await readReference(file);
      if (reference?.kind !== 'kubernetes-job' || reference?.snapshotId !== options.snapshotId) {
        throw new NestorError(ErrorCode.DatastoreFailed, `the snapshot ${options.snapshotId} is not one a kubernetes-job datastore took`);
      }
      await run(targetOfKind(target, 'kubernetes-job'), 'restore', options);
    },
  };
}

/** The Job in the datastore's image, its container told the action, environment, datastore and snapshot. */
function withDatastore(job: KubeObject, target: KubernetesJobTarget, action: Action, snapshotId: string): KubeObject {
  const spec = job['spec'] as { template: { spec: { containers: { image?: string; env?: unknown[] }[] } } };
  const told = [
    { name: 'NESTOR_ACTION', value: action }, { name: 'NESTOR_ENV', value: target.env },
    { name: 'NESTOR_DATASTORE', value: target.name }, { name: 'NESTOR_SNAPSHOT', value: snapshotId },
  ];
  const containers = spec.template.spec.containers.map((c) => ({ ...c, image: target.connection.image, env: [...(c.env ?? []), ...told] }));
  return { ...job, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } } };
}

async function readReference(file: string): Promise<Partial<JobReference> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<JobReference>;
  } catch {
    return undefined;
  }
}
