// The plain values of nestor-config's schema (name patterns, the kinds of schedules and
// datastores, the keys a merge must give): what the config's checks and the render use at run
// time. schema.ts builds the JSON Schema from them with TypeBox; taking them from here keeps the
// schema's objects and TypeBox unevaluated in the processes that only check and render (the CLI's
// startup snapshot among them).

/** DNS-1123 label: what Kubernetes accepts as a namespace or object name. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const DNS1123_MAX = 63;
const dnsLabel = new RegExp(DNS1123_LABEL);
/** A name that ends up in file paths, git and the cluster: lowercase letters, digits and -, at most 63. */
export function isDnsLabel(name: string): boolean {
  return name.length <= DNS1123_MAX && dnsLabel.test(name);
}
/** An environment variable name. */
export const ENV_KEY = '^[A-Za-z_][A-Za-z0-9_]*$';
/** A Kubernetes resource quantity: `250Mi`, `0.2`, `100m`, `1G`, `1e3`. */
export const QUANTITY = '^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
/** A process type of a Procfile: `web`, `worker`, `release-notes`. */
export const PROCESS_NAME = '^[a-z]([-a-z0-9]*[a-z0-9])?$';

/** A latency: seconds (`0.3`, `"2"`) or a duration (`300ms`, `2s`, `1m`). */
export const LATENCY = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(ms|s|m)?$';

/** A branch name as `release.tracks` and the branch workflow write it. */
export const BRANCH_NAME = '^[A-Za-z0-9][A-Za-z0-9._/-]*$';

/** The drivers a datastore can have (src/core/ports/datastores.ts). */
export const DATASTORE_KINDS = ['postgresql', 'redis', 'kubernetes-job'] as const;

/**
 * What a schedule runs. One line per kind: the handler of each is registered by the worker
 * (src/core/schedules/schedule-handlers.ts).
 */
export const SCHEDULE_KINDS = [
  'staging-release',
  'version-sync',
  'config-sync',
  'report',
  'datastore-nightly',
] as const;

/** A schedule's name: the key under `schedules:`, part of its BullMQ scheduler id. */
export const SCHEDULE_NAME = DNS1123_LABEL;

/** Keys a merged config must end up with, and where a user is told to set them. */
export const REQUIRED_AFTER_MERGE = [
  { path: ['project'], where: 'project.yaml' },
  { path: ['domain'], where: 'project.yaml' },
  { path: ['deployments', 'kubernetes'], where: 'project.yaml' },
  { path: ['docker', 'registries'], where: 'project.yaml' },
] as const;

/** A value of the form `$NAME` is read from Nestor's process environment at render time. */
export const ENV_REFERENCE = /^\$([A-Z_][A-Z0-9_]*)$/;
/** A variable whose value is this mask names a secret kept in a Kubernetes Secret, never in git. */
export const SECRET_MASK = '********';
