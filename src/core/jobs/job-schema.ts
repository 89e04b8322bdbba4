// The one schema of queued jobs: JSON Schema for validation at both ends (ajv, in parse-job.ts)
// and the TypeScript types of every payload are derived from these definitions.
//
// Secrets never travel in job data. `config set KEY=… --secret`: the requester's process (bot
// or CLI) writes the value straight into the app's Kubernetes Secret (`<app>-secrets`) before
// enqueueing, and the job carries only the key's name in `secrets`; the release reads the value
// from the cluster (see core/release/live-secrets.ts). `values` holds plain values only.
import { Type, type Static } from '@sinclair/typebox';
import { DNS1123_LABEL, DNS1123_MAX, ENV_KEY, PROCESS_NAME } from '../config/schema.js';
import { ciLockKey, datastoreLockKey } from '../ports/locks.js';
import { shellLine } from '../commands/command.js';

const strict = { additionalProperties: false } as const;
const dnsName = (description: string) => Type.String({ pattern: DNS1123_LABEL, maxLength: DNS1123_MAX, description });
const envKey = Type.String({ pattern: ENV_KEY, maxLength: 200, description: 'a variable name such as NODE_ENV' });
/** A Slack user id, or a local user name for the CLI. */
const user = Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'a user id such as U012ABCDEF or alice' });
const slackTs = Type.String({ pattern: '^[0-9]{1,12}\\.[0-9]{1,8}$', description: 'a Slack message timestamp such as 1714557600.000100' });

/** Where replies go: a Slack conversation (and the message and thread to update) or a terminal. */
export const SlackOrigin = Type.Object({
  kind: Type.Literal('slack'),
  team: Type.Optional(Type.String({ pattern: '^[TE][A-Z0-9]{1,20}$', description: 'a Slack team id' })),
  channel: Type.String({ pattern: '^[CDG][A-Z0-9]{1,20}$', description: 'a Slack channel id such as C012ABCDEF' }),
  /** The status message updated in place; posted by the worker when absent. */
  ts: Type.Optional(slackTs),
  /** The thread details go to. */
  threadTs: Type.Optional(slackTs),
}, strict);
export const CliOrigin = Type.Object({ kind: Type.Literal('cli'), host: Type.Optional(Type.String({ maxLength: 255 })) }, strict);
export const JobOrigin = Type.Union([SlackOrigin, CliOrigin], { description: 'a slack or cli origin' });

const common = { user, origin: JobOrigin } as const;
/** Who approved the change, when its environment asks for approval: the history commit names them. */
const approvedBy = Type.Optional(user);
/** `<env>/<datastore>/<UTC time>` (see core/ports/datastores.ts). */
const SNAPSHOT_ID = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}\\.[0-9]{3}Z$';
const appEnv = { app: dnsName('an app name (DNS-1123 label)'), env: dnsName('an environment name (DNS-1123 label)') } as const;

export const DeployJob = Type.Object({
  kind: Type.Literal('deploy'), ...appEnv,
  ref: Type.String({ format: 'git-ref', minLength: 1, maxLength: 200, description: 'a branch, tag or commit sha' }),
  sha: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$', description: 'the full commit sha the ref must still resolve to' })),
  approvedBy,
  dryRun: Type.Optional(Type.Boolean()),
  forceConflicts: Type.Optional(Type.Boolean()),
  trigger: Type.Union([Type.Literal('user'), Type.Literal('schedule')], { description: 'user or schedule' }),
  ...common,
}, strict);

export const RollbackJob = Type.Object({
  kind: Type.Literal('rollback'), ...appEnv,
  commit: Type.Optional(Type.String({ pattern: '^[0-9a-f]{4,40}$', description: 'a history commit (4 to 40 hex digits)' })),
  approvedBy,
  ...common,
}, strict);

export const ScaleSpecSchema = Type.Object({
  process: Type.String({ pattern: PROCESS_NAME, maxLength: 63, description: 'a process name such as web' }),
  min: Type.Integer({ minimum: 0, maximum: 1000 }),
  max: Type.Integer({ minimum: 0, maximum: 1000 }),
}, strict);
export const ScaleJob = Type.Object({
  kind: Type.Literal('scale'), ...appEnv,
  specs: Type.Array(ScaleSpecSchema, { minItems: 1, maxItems: 50 }),
  approvedBy,
  ...common,
}, strict);

export const ConfigSetJob = Type.Object({
  kind: Type.Literal('config-set'), ...appEnv,
  /** The variable group the values go to. Default `app`. */
  group: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,63}$', description: 'a variable group such as app or ope' })),
  /** Plain values only. */
  values: Type.Record(Type.String(), Type.String({ maxLength: 32_768 }), { propertyNames: { pattern: ENV_KEY }, maxProperties: 200 }),
  /** Names of secret keys whose values are already in the app's Kubernetes Secret. */
  secrets: Type.Array(envKey, { maxItems: 200, uniqueItems: true }),
  approvedBy,
  ...common,
}, strict);

export const ConfigUnsetJob = Type.Object({
  kind: Type.Literal('config-unset'), ...appEnv,
  keys: Type.Array(envKey, { minItems: 1, maxItems: 200, uniqueItems: true }),
  approvedBy,
  ...common,
}, strict);

export const DatastoreJob = Type.Object({
  kind: Type.Literal('datastore'),
  env: dnsName('an environment name (DNS-1123 label)'),
  datastore: Type.Optional(dnsName('a datastore name (DNS-1123 label)')),
  action: Type.Union([Type.Literal('snapshot'), Type.Literal('reset')], { description: 'snapshot or reset' }),
  /** The snapshot a reset restores (default: the latest of the datastore's source environment). */
  from: Type.Optional(Type.String({ pattern: SNAPSHOT_ID, maxLength: 160, description: 'a snapshot id such as staging/main/2026-12-02T03-00-00.000Z' })),
  approvedBy,
  ...common,
}, strict);

/** `run`: an admin process in the running release (core/release/run-admin-process.ts); `words` are the command's argv. */
export const RunJob = Type.Object({
  kind: Type.Literal('run'), ...appEnv,
  process: Type.Optional(Type.String({ pattern: PROCESS_NAME, maxLength: 63, description: 'a process name such as web' })),
  words: Type.Array(Type.String({ maxLength: 4096 }), { minItems: 1, maxItems: 200 }),
  approvedBy,
  ...common,
}, strict);

/** CI says a commit of an app passed its tests on a branch: the branch workflow takes it from there. */
export const CiSuccessJob = Type.Object({
  kind: Type.Literal('ci-success'),
  app: dnsName('an app name (DNS-1123 label)'),
  branch: Type.String({ format: 'git-ref', minLength: 1, maxLength: 200, description: 'the branch CI tested, such as master' }),
  sha: Type.String({ pattern: '^[0-9a-f]{40}$', description: 'the full commit sha CI tested' }),
  source: Type.Union([Type.Literal('api'), Type.Literal('github'), Type.Literal('cli')], { description: 'api, github or cli' }),
  /** The delivery id of the CI system or GitHub webhook, when it gives one. */
  deliveryId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', description: 'a delivery id such as a GitHub X-GitHub-Delivery' })),
  ...common,
}, strict);

/**
 * `/nestor report [<env>]`: the sync report of one environment or all, posted to the requester's
 * conversation. It only reads (no approval, no access check), but the drift needs cluster
 * credentials, which only workers hold.
 */
export const ReportJob = Type.Object({
  kind: Type.Literal('report'),
  env: Type.Optional(dnsName('an environment name (DNS-1123 label)')),
  ...common,
}, strict);

/**
 * `/nestor datastore list <env>`: the listing of `nestor datastore list`, posted to the requester's
 * conversation. It only reads, but the sizes need the stores and the snapshots folder, which only
 * workers reach.
 */
export const DatastoreListJob = Type.Object({
  kind: Type.Literal('datastore-list'),
  env: dnsName('an environment name (DNS-1123 label)'),
  ...common,
}, strict);

/** Every job schema by kind: the handler map of a worker has exactly these keys. */
export const JobSchemas = {
  deploy: DeployJob,
  rollback: RollbackJob,
  scale: ScaleJob,
  'config-set': ConfigSetJob,
  'config-unset': ConfigUnsetJob,
  datastore: DatastoreJob,
  run: RunJob,
  'ci-success': CiSuccessJob,
  report: ReportJob,
  'datastore-list': DatastoreListJob,
} as const;

export const JobKind = Object.freeze(Object.keys(JobSchemas)) as readonly (keyof typeof JobSchemas)[];
export type JobKind = keyof typeof JobSchemas;
export type JobOf<K extends JobKind> = Static<(typeof JobSchemas)[K]>;
export type Job = { [K in JobKind]: JobOf<K> }[JobKind];
export type JobOrigin = Static<typeof JobOrigin>;
/** A job run in one environment: every kind but the branch workflow's, which moves an app's branches, and the reports, which only read. */
export type EnvJob = Exclude<Job, { kind: 'ci-success' | 'report' | 'datastore-list' }>;
export type DeployJob = JobOf<'deploy'>;
export type RollbackJob = JobOf<'rollback'>;
export type ScaleJob = JobOf<'scale'>;
export type ConfigSetJob = JobOf<'config-set'>;
export type ConfigUnsetJob = JobOf<'config-unset'>;
export type DatastoreJob = JobOf<'datastore'>;
export type RunJob = JobOf<'run'>;
export type CiSuccessJob = JobOf<'ci-success'>;
export type ReportJob = JobOf<'report'>;
export type DatastoreListJob = JobOf<'datastore-list'>;

/**
 * What a job serialises on: its app in its environment, an environment's datastores, or an app's
 * branch workflow (`ci:<app>`: two CI successes of one app push its branches one after the
 * other; deploys of the app in its environments do not wait for it, they read a branch's sha),
 * or the report of an environment (`report:<env>`) or of all (`report`), one at a time, or the
 * datastore listing of an environment (`datastore-list:<env>`: it reads beside a reset, not behind it).
 */
export function jobScope(job: Job): { env?: string; app?: string; key: string } {
  if (job.kind === 'datastore') return { env: job.env, key: datastoreLockKey(job.env) };
  if (job.kind === 'ci-success') return { app: job.app, key: ciLockKey(job.app) };
  if (job.kind === 'report') return job.env ? { env: job.env, key: `report:${job.env}` } : { key: 'report' };
  if (job.kind === 'datastore-list') return { env: job.env, key: `datastore-list:${job.env}` };
  // A one-off process does not hold its app's releases back: one at a time beside them.
  if (job.kind === 'run') return { env: job.env, app: job.app, key: `${job.env}.${job.app}:run` };
  return { env: job.env, app: job.app, key: `${job.env}.${job.app}` };
}

const DESCRIBE: { [K in JobKind]: (j: JobOf<K>) => string } = {
  deploy: (j) => `deploy ${j.app}@${j.ref} to ${j.env}${j.dryRun ? ' (dry run)' : ''}`,
  rollback: (j) => `rollback ${j.app} in ${j.env}${j.commit ? ` to ${j.commit.slice(0, 7)}` : ''}`,
  scale: (j) => `scale ${j.app} in ${j.env}: ${j.specs.map((s) => `${s.process}=${s.min}:${s.max}`).join(' ')}`,
  'config-set': (j) => `config set ${j.app} ${j.env} ${[...Object.keys(j.values), ...j.secrets].join(' ')}`,
  'config-unset': (j) => `config unset ${j.app} ${j.env} ${j.keys.join(' ')}`,
  datastore: (j) => `datastore ${j.action} ${j.env}${j.datastore ? ` ${j.datastore}` : ''}${j.from ? ` --from ${j.from}` : ''}`,
  run: (j) => `run ${j.app} ${j.env}${j.process ? ` --process ${j.process}` : ''} -- ${shellLine(j.words)}`,
  'ci-success': (j) => `CI success of ${j.app}@${j.branch} (${j.sha.slice(0, 7)})`,
  report: (j) => `report${j.env ? ` ${j.env}` : ''}`,
  'datastore-list': (j) => `datastore list ${j.env}`,
};

/** `deploy mary@feature-x to dev3`, for people waiting and for logs. */
export function describeJob(job: Job): string {
  return (DESCRIBE[job.kind] as (j: Job) => string)(job);
}
