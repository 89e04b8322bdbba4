// The Kubernetes objects of one image build: a Job rendered from the `job.yaml` template (its
// labels, deadline, node selector and resources as any one-off task of the app) whose container
// is the daemonless builder (kaniko by default) on the app's repository at the commit, pushing
// to every registry; and, when `docker.build.variables` has any, a Secret holding them, which
// the builder reads as environment variables and passes as build arguments by name only. Their
// values are in that Secret alone: never in the Job, job data or logs.
import type { MergedConfig } from '../config/schema.js';
import type { Environment } from '../config/resolve-references.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { KubeObject } from '../ports/cluster.js';
import { renderJob } from '../render/render-job.js';
import type { TemplateSet } from '../render/template-set.js';
import { appImagesOf } from './app-images.js';
import { imageName } from '../ports/image-registry.js';
import { ENV_REFERENCE } from '../config/schema-constants.js';

export const DEFAULT_BUILDER = 'gcr.io/kaniko-project/executor:v1.23.2';
export const BUILD_TASK = 'build';
/** Apart from releases' `nestor`: the Namespace a build applies by name only never takes a release's labels away. */
export const BUILD_FIELD_MANAGER = 'nestor-build';
const DOCKER_CONFIG_DIR = '/kaniko/.docker';

export interface BuildJobInput {
  app: string;
  env: string;
  /** Merged, `$NAME` not yet resolved (build variables are resolved here, into the Secret only). */
  config: MergedConfig;
  sha: string;
  templates: TemplateSet;
  environment: Environment;
  /** Makes the Job's name unique per build: lowercase letters, digits, dashes. */
  runId: string;
}

export interface BuildJob {
  /** kubeconfig context of the cluster it runs on. */
  context: string;
  namespace: string;
  name: string;
  /** The Namespace (name only: a first deploy's build comes before its release makes it), the Secret (when there are variables), then the Job. */
  objects: KubeObject[];
}

/** `git@github.com:acme/mary.git`, `https://github.com/acme/mary`, `ssh://git@host/x.git` → kaniko's `git://host/path`. */
export function gitContext(origin: string, sha: string): string {
  const scp = /^[^@/]+@([^:/]+):(.+)$/.exec(origin);
  const url = scp ? `${scp[1]}/${scp[2]}` : origin.replace(/^[a-z+]+:\/\/(?:[^@/]+@)?/, '');
  // kaniko: git://<repository>#<reference>#<commit>; the reference to clone, then the commit checked out.
  return `git://${url}#HEAD#${sha}`;
}

function buildVariables(config: MergedConfig, environment: Environment): Record<string, string> {
  const variables = config.docker?.build?.variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([key, raw]): [string, string] => {
    const value = String(raw);
    const name = ENV_REFERENCE.exec(value)?.[1];
    if (name === undefined) return [key, value];
    const resolved = environment[name];
    if (resolved === undefined) throw new NestorError(ErrorCode.MissingEnvironmentValue, `docker.build.variables.${key}: $${name} is not set in Nestor's environment`);
    return [key, resolved];
  }));
}

export function buildJob(input: BuildJobInput): BuildJob {
  const { app, config, sha } = input;
  const origin = config.git?.origin;
  if (!origin) throw new NestorError(ErrorCode.ConfigInvalid, `no git origin for ${app} (git.origin in its app file): nothing to build the image from`);
  const build = config.docker?.build ?? {};
  const variables = buildVariables(config, input.environment);
  const destinations = appImagesOf(config, app, sha).map((image) => `--destination=${imageName(image.ref)}`);
  const insecure = appImagesOf(config, app, sha).filter((image) => image.ref.insecure).map((image) => `--insecure-registry=${image.ref.registry}`);
  const args = [
    `--context=${gitContext(origin, sha)}`, `--dockerfile=${build.dockerfile ?? 'Dockerfile'}`, ...destinations, ...[...new Set(insecure)],
    ...Object.keys(variables).sort().map((key) => `--build-arg=${key}`),
  ];
  const manifests = renderJob({
    app, env: input.env, config, version: { sha }, templates: input.templates, task: BUILD_TASK, runId: input.runId,
    command: `kaniko ${args.join(' ')}`,
  });
  const [job] = manifests.objects;
  if (!job) throw new NestorError(ErrorCode.RenderFailed, `the job.yaml template rendered no Job for the build of ${app}`);
  const name = job.metadata.name;
  const secretName = Object.keys(variables).length > 0 ? name : undefined;
  const registrySecret = appImagesOf(config, app, sha).find((image) => image.settings.credentials_secret)?.settings.credentials_secret;
  withBuilder(job, {
    image: build.builder ?? DEFAULT_BUILDER, args,
    env: Object.keys(variables).sort().map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName ?? '', key } } })),
    ...(registrySecret ? { registrySecret } : {}),
  });
  const secret: KubeObject[] = secretName === undefined ? [] : [{
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: secretName, namespace: manifests.namespace, labels: { ...job.metadata.labels } },
    data: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  }];
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: manifests.namespace } };
  return { context: manifests.context, namespace: manifests.namespace, name, objects: [namespace, ...secret, job] };
}

interface Builder {
  image: string;
  args: string[];
  env: unknown[];
  /** A dockerconfigjson Secret mounted where kaniko reads its registry credentials. */
  registrySecret?: string;
}

/** The app's container of the rendered Job becomes the builder's: no app config, no shell. */
function withBuilder(job: KubeObject, builder: Builder): void {
  const podSpec = (job.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const [container] = podSpec['containers'] as Record<string, unknown>[];
  if (!container) return;
  container['image'] = builder.image;
  delete container['command'];
  container['args'] = builder.args;
  container['env'] = builder.env;
  delete container['envFrom'];
  if (!builder.registrySecret) return;
  container['volumeMounts'] = [{ name: 'registry-credentials', mountPath: DOCKER_CONFIG_DIR, readOnly: true }];
  podSpec['volumes'] = [{ name: 'registry-credentials', secret: { secretName: builder.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] } }];
}
