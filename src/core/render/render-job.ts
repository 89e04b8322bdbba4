// A one-off Job of an app: a release task (Procfile `release:`) or an operations command.
import { ErrorCode, NestorError } from '../errors.js';
import { RELEASE_PROCESS } from './app-inputs.js';
import { podContext } from './app-objects.js';
import { appParts, clusterScope, clustersOf, labelsOf } from './app-scope.js';
import { parseProcfile } from './procfile.js';
import type { RenderRequest } from './render-app.js';
import { stampAndValidate } from './stamp.js';
import type { ClusterManifests } from './types.js';

export interface JobRequest extends Omit<RenderRequest, 'cronfile' | 'secretValues'> {
  /** What the Job does, a DNS label: `release`, `datastore-reset`; also its `process` label. */
  task: string;
  /** Shell command; default for task `release`: the Procfile's `release:` line. */
  command?: string;
  /** Makes the Job name unique per run (e.g. the queue job id): lowercase letters, digits, dashes. */
  runId: string;
  /** cluster_name to run on; default: the first cluster. A one-off task runs once, not per cluster. */
  cluster?: string;
  activeDeadlineSeconds?: number;
}

const DAY = 86_400;

/**
 * The Job only: it reads the app's ConfigMap `<app>` and Secret `<app>-secrets`, which renderApp
 * produces; apply those first when the task must see a new configuration.
 */
export function renderJob(req: JobRequest): ClusterManifests {
  const command = req.command ?? releaseCommand(req);
  const clusters = clustersOf(req.config);
  const cluster = req.cluster === undefined ? clusters[0] : clusters.find((c) => c.cluster_name === req.cluster);
  if (!cluster) throw new NestorError(ErrorCode.BadInput, `cluster ${req.cluster ?? ''} is not configured for ${req.env}`);
  const scope = clusterScope(appParts(req), cluster);
  const labels = labelsOf(scope, req.task);
  const rendered = req.templates.render('job.yaml', {
    ...podContext(scope, req.task, command),
    app: scope.app, environment: scope.env, namespace: scope.namespace, release: scope.release, sha: scope.sha,
    image: scope.image, configMapName: scope.app, secretName: scope.secretName,
    name: `${req.app}-${req.task}-${req.runId}`, process: req.task, labels,
    annotations: { 'nestor.io/command': command },
    activeDeadlineSeconds: req.activeDeadlineSeconds ?? 3600, ttlSecondsAfterFinished: DAY,
  });
  return {
    cluster: cluster.cluster_name,
    context: cluster.context ?? cluster.cluster_name,
    namespace: scope.namespace,
    objects: stampAndValidate(rendered, { namespace: scope.namespace, labels }),
  };
}

function releaseCommand(req: JobRequest): string {
  const fromProcfile = req.procfile !== undefined ? parseProcfile(req.procfile)[RELEASE_PROCESS] : undefined;
  const command = req.task === RELEASE_PROCESS ? (fromProcfile ?? req.config.processes?.[RELEASE_PROCESS]) : undefined;
  if (!command) throw new NestorError(ErrorCode.BadInput, `no command for task ${req.task}`);
  return command;
}
