// The one schema of nestor-config. JSON Schema for validation (ajv) and the TypeScript types
// used everywhere else are both derived from these definitions.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DNS1123_LABEL, DNS1123_MAX, ENV_KEY, QUANTITY, PROCESS_NAME, LATENCY, BRANCH_NAME, DATASTORE_KINDS, SCHEDULE_KINDS, SCHEDULE_NAME } from './schema-constants.js';

export * from './schema-constants.js';

const strict = { additionalProperties: false } as const;
const dnsName = (description: string) =>
  Type.String({ pattern: DNS1123_LABEL, maxLength: DNS1123_MAX, description });
const stringMap = (value: TSchema = Type.String()) => Type.Record(Type.String(), value);
/** A map whose keys must match `pattern`; a bad key is reported as such, not silently ignored. */
const keyedBy = <T extends TSchema>(pattern: string, keyDescription: string, value: T, description?: string) =>
  Type.Record(Type.String(), value, {
    propertyNames: { pattern, description: keyDescription },
    ...(description ? { description } : {}),
  });

export const Quantity = Type.Union(
  [Type.String({ pattern: QUANTITY }), Type.Number({ minimum: 0 })],
  { description: 'a resource quantity such as 250Mi or 0.2' },
);

export const ResourceList = Type.Object(
  { cpu: Type.Optional(Quantity), memory: Type.Optional(Quantity), 'ephemeral-storage': Type.Optional(Quantity) },
  strict,
);
export const Resources = Type.Object(
  { limits: Type.Optional(ResourceList), requests: Type.Optional(ResourceList) },
  strict,
);
export const Scale = Type.Object(
  {
    minReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    maxReplicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    targetCPUUtilizationPercentage: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  strict,
);
/** Per process type (`web`, `worker`, ... or `default` for every process). */
export const PerProcess = <T extends TSchema>(value: T) =>
  keyedBy(PROCESS_NAME, 'a process name such as web, worker or default', value);

export const AntiAffinity = Type.Union([Type.Literal('node'), Type.Literal('zone'), Type.Literal('none')], {
  description: 'node, zone or none',
});

/** Scalars only: a config value becomes an environment variable; `null` deletes an inherited one. */
export const VariableValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
  description: 'a string, number, boolean or null (maps and lists are not allowed)',
});
export const Variables = keyedBy(
  '^[A-Za-z0-9_-]+$',
  'a variable group name such as app or ope',
  Type.Union([keyedBy(ENV_KEY, 'an environment variable name such as NODE_ENV', VariableValue), Type.Null()], {
    description: 'a map of KEY: value, or null',
  }),
  'variable groups (app, ope, ...) of KEY: value',
);

/** A ratio in 0..1, as a number or its string (`"0.99"`). */
export const Ratio = Type.Union(
  [Type.Number({ minimum: 0, maximum: 1 }), Type.String({ pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?|\\.[0-9]+)$' })],
  { description: 'a ratio from 0 to 1 such as 0.99' },
);
export const Latency = Type.Union(
  [Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: LATENCY })],
  { description: 'a latency in seconds (0.3) or a duration (300ms, 2s, 1m)' },
);
const PROMQL_METRIC = '^[a-zA-Z_:][a-zA-Z0-9_:]*$';
const PROMQL_LABEL = '^[a-zA-Z_][a-zA-Z0-9_]*$';

export const TemplateVars = Type.Object(
  {
    tplCriticity: Type.Optional(
      Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')], {
        description: 'low, medium, high or critical',
      }),
    ),
    tplTeam: Type.Optional(dnsName('the team that receives alerts')),
    tplWeb2xxThreshold: Type.Optional(Ratio),
    tplWeb50thLatencyThreshold: Type.Optional(Latency),
    tplWeb95thLatencyThreshold: Type.Optional(Latency),
  },
  strict,
);

/** A key of a Kubernetes Secret in the environment's namespace: a datastore's connection, a Slack webhook URL. */
export const SecretReference = Type.Object(
  {
    secret: dnsName('a Secret in the environment\'s namespace'),
    key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, description: 'a key of the Secret' }),
  },
  strict,
);

/**
 * Where a team's alerts go. Every key is optional in one file (a child environment changes a
 * channel, say); `channel` and `webhook` are required once merged (alert-routing-settings.ts).
 * The webhook URL is a secret: a Secret of the app's namespace holds it, never git.
 */
export const AlertReceiver = Type.Object(
  {
    slack: Type.Optional(Type.Object(
      {
        channel: Type.Optional(Type.String({ minLength: 1, description: 'the Slack channel, such as "#security-alerts"' })),
        // A string is accepted here only to be refused with its own message (alert-routing-settings.ts), never echoed.
        webhook: Type.Optional(Type.Union([Type.String(), SecretReference], { description: 'a Secret reference { secret, key } holding the Slack webhook URL' })),
      },
      strict,
    )),
  },
  strict,
);

/** Which receiver gets an app's alerts: its `tplTeam`'s, else the environment's `default` team's. */
export const AlertRouting = Type.Object(
  {
    default: Type.Optional(dnsName('the team receiving the alerts of apps without tplTeam')),
    teams: Type.Optional(keyedBy(DNS1123_LABEL, 'a team name (lowercase letters, digits and -)', Type.Union([AlertReceiver, Type.Null()]))),
  },
  strict,
);

/**
 * Where an environment's alert rules find their metrics (the ingress controller or mesh it runs);
 * an environment without this section renders no alert rules. Defaults: monitoring-defaults.ts.
 */
export const Monitoring = Type.Object(
  {
    requests_metric: Type.Optional(Type.String({ pattern: PROMQL_METRIC, description: 'a request counter such as nginx_ingress_controller_requests' })),
    latency_metric: Type.Optional(Type.String({ pattern: PROMQL_METRIC, description: 'a latency histogram (without _bucket) such as nginx_ingress_controller_request_duration_seconds' })),
    status_label: Type.Optional(Type.String({ pattern: PROMQL_LABEL, description: 'the label holding the HTTP status, such as status' })),
    selector: Type.Optional(keyedBy(PROMQL_LABEL, 'a Prometheus label name such as ingress', Type.String({ minLength: 1 }), 'label matchers selecting the app\'s web traffic; {{app}} and {{namespace}} are replaced')),
    routing: Type.Optional(Type.Union([AlertRouting, Type.Null()])),
  },
  strict,
);

export const Ingress = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    className: Type.Optional(Type.String({ pattern: DNS1123_LABEL })),
    host: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 })),
    tlsSecret: Type.Optional(dnsName('a TLS Secret in the namespace')),
  },
  strict,
);

export const ClusterDeployment = Type.Object(
  {
    cluster_name: Type.String({ pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$', maxLength: 253 }),
    context: Type.Optional(Type.String({ minLength: 1, description: 'kubeconfig context (default: cluster_name)' })),
    namespace: Type.Optional(dnsName('namespace (default: the environment name)')),
    hpa_replicas: Type.Optional(Type.Boolean()),
    scales: Type.Optional(PerProcess(Scale)),
    resources: Type.Optional(PerProcess(Resources)),
    nodeSelector: Type.Optional(PerProcess(stringMap())),
    anti_affinity: Type.Optional(AntiAffinity),
  },
  strict,
);

/**
 * One registry's organization: images are `<host>/<organization>/<app>:<sha>`. Nestor checks them
 * with `username` and `password` (a `$NAME` of its environment, never the password itself) or
 * the `kubernetes.io/dockerconfigjson` Secret `credentials_secret` of the environment's
 * namespace, which a build also pushes with.
 */
export const Registry = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    organization: Type.String({ minLength: 1 }),
    username: Type.Optional(Type.String({ minLength: 1, description: 'the user Nestor checks images as (or a $NAME)' })),
    password: Type.Optional(Type.String({ pattern: '^\\$[A-Z_][A-Z0-9_]*$', description: "a $NAME of Nestor's environment holding the password, never the password itself" })),
    credentials_secret: Type.Optional(dnsName("a kubernetes.io/dockerconfigjson Secret in the environment's namespace")),
    insecure: Type.Optional(Type.Boolean({ description: 'plain HTTP (a registry on a private network)' })),
  },
  strict,
);

/** Images built by Nestor: a Kubernetes Job running a daemonless builder on the app's repository. */
export const ImageBuild = Type.Object(
  {
    variables: Type.Optional(stringMap()),
    builder: Type.Optional(Type.String({ minLength: 1, description: 'the builder image (default: the kaniko executor)' })),
    dockerfile: Type.Optional(Type.String({ minLength: 1, description: "the Dockerfile's path in the app's repository (default: Dockerfile)" })),
  },
  strict,
);

export const Approval = Type.Object(
  {
    approvers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    expires_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080 })),
  },
  strict,
);
export const Access = Type.Object(
  { users: Type.Optional(Type.Array(Type.String({ minLength: 1 }))), teams: Type.Optional(Type.Array(Type.String({ minLength: 1 }))) },
  strict,
);

/** `nestor run` (admin processes) in an environment, or for one app: allowed unless `allowed: false`. */
export const RunSettings = Type.Object(
  {
    allowed: Type.Optional(Type.Boolean({ description: 'whether `nestor run` may start one-off processes (default: true)' })),
    deadline_seconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400, description: 'how long a one-off process may run before Kubernetes stops it (default: 3600)' })),
  },
  strict,
);

const branchName = (description: string) => Type.String({ pattern: BRANCH_NAME, maxLength: 200, description });

/** What a CI success on one branch does (`workflow.<branch>`), in order: tag, build, move. */
export const WorkflowStep = Type.Object(
  {
    tag: Type.Optional(Type.Boolean({ description: 'tag the commit ci-<yyyymmdd>-<short sha> (default: false)' })),
    build: Type.Optional(Type.Boolean({ description: "build the commit's image (default: false)" })),
    moves: Type.Optional(Type.Array(branchName('a branch moved to the commit'), { uniqueItems: true, maxItems: 20 })),
    rebase: Type.Optional(Type.Boolean({ description: 'rebase a moved branch that has commits of its own onto the commit (default: false: stop and report)' })),
  },
  strict,
);

/** Version sync (`nestor sync versions`, the version-sync schedule): the apps move to the versions another environment runs. */
export const VersionSync = Type.Object(
  {
    from: Type.Optional(dnsName('the environment whose versions the apps follow (default: staging)')),
    hold_hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760, description: "a whole number of hours, how long a person's deploy holds the app at its version (default: 24)" })),
  },
  strict,
);

/** The release of the environment's tracked branch (`nestor release-tracked`, the staging release schedule), and the syncs it opts in to. */
export const TrackedRelease = Type.Object(
  {
    tracks: Type.Optional(branchName('the branch every app of the environment follows (default: master)')),
    parallelism: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'apps released at once per cluster (default: 4)' })),
    version_sync: Type.Optional(Type.Union([VersionSync, Type.Null()])),
    config_sync: Type.Optional(Type.Boolean({ description: 're-release the running version when the merged config changed since its release (`nestor sync config`)' })),
    moves_branch: Type.Optional(branchName("after each deploy released here, this branch of the app's repository is fast-forwarded to the released commit (read from this environment's own project.yaml only)")),
  },
  strict,
);

export const DatastoreKind = Type.Union(DATASTORE_KINDS.map((kind) => Type.Literal(kind)), {
  description: `a datastore kind: ${DATASTORE_KINDS.join(', ')}`,
});

/**
 * A database of an environment that Nestor snapshots and resets. Every key is optional in one
 * file (a child environment changes its `connection`, say); `kind` and `connection` (`job` and
 * `app` for a kubernetes-job) are required once merged (datastore-settings.ts). `connection` is
 * checked there too: a setting (`$NAME`) or a Secret, never a literal that could carry a password.
 */
export const Datastore = Type.Object(
  {
    kind: Type.Optional(DatastoreKind),
    connection: Type.Optional(Type.Union([Type.String({ minLength: 1 }), SecretReference], {
      description: 'a setting ($NAME) or a Secret reference { secret, key }',
    })),
    source: Type.Optional(dnsName('the environment its snapshots come from (default: its own)')),
    reset: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('forbidden')], { description: 'allowed or forbidden' })),
    allow_in_production: Type.Optional(Type.Boolean({ description: 'a reset where the environment needs approval (then only approved)' })),
    reset_nightly: Type.Optional(Type.Boolean({ description: 'reset by the datastore-nightly schedule of its source environment' })),
    scale_down: Type.Optional(Type.Boolean({ description: "scale the app's pods to 0 and back around a reset" })),
    app: Type.Optional(dnsName('the app whose lock a reset takes (default: the app of its file)')),
    job: Type.Optional(Type.Object(
      {
        image: Type.Optional(Type.String({ minLength: 1, description: 'the image of the Kubernetes Job' })),
        snapshot_command: Type.Optional(Type.String({ minLength: 1, description: 'the shell command that takes a snapshot' })),
        restore_command: Type.Optional(Type.String({ minLength: 1, description: 'the shell command that restores one' })),
        deadline_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
      },
      strict,
    )),
  },
  strict,
);
const Datastores = keyedBy(DNS1123_LABEL, 'a datastore name (lowercase letters, digits and -)', Type.Union([Datastore, Type.Null()]));

/**
 * Where snapshots are kept (a folder, or an object store's `url` with its options: one or the
 * other, datastore-settings.ts checks) and how many per environment and datastore. Credentials of
 * an object store are never here: the AWS SDK's default chain finds them in Nestor's environment.
 */
export const DatastoreSnapshots = Type.Object(
  {
    folder: Type.Optional(Type.String({ minLength: 1, description: 'a folder (relative: to the state folder)' })),
    url: Type.Optional(Type.String({
      pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[-!_.*\'()a-zA-Z0-9/]*)?$',
      description: 'an object store location, s3://<bucket>[/<prefix>]',
    })),
    // Its form is checked in snapshot-settings.ts, whose message never repeats it (it could hold a key).
    endpoint: Type.Optional(Type.String({ minLength: 1, description: 'an S3-compatible store (MinIO...): http(s)://host[:port] (default: AWS S3)' })),
    region: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: 'the bucket\'s region (default: AWS_REGION, or us-east-1 with an endpoint)' })),
    force_path_style: Type.Optional(Type.Boolean({ description: 'address the bucket in the path, not the host name (most S3-compatible stores)' })),
    keep: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'snapshots kept per environment and datastore (default: 7)' })),
  },
  strict,
);

export const ScheduleKind = Type.Union(SCHEDULE_KINDS.map((kind) => Type.Literal(kind)), {
  description: `a schedule kind: ${SCHEDULE_KINDS.join(', ')}`,
});
/**
 * Every key is optional in one file so that a child environment can change one (its `cron`,
 * say) and inherit the rest; `kind` and `cron` are required once merged (config-tree.ts).
 */
export const Schedule = Type.Object(
  {
    kind: Type.Optional(ScheduleKind),
    cron: Type.Optional(Type.String({ format: 'cron', description: 'a five-field cron expression' })),
    time_zone: Type.Optional(Type.String({ format: 'time-zone', description: 'an IANA time zone such as Europe/Paris' })),
    channel: Type.Optional(Type.String({ minLength: 1, description: 'a Slack channel' })),
  },
  strict,
);

/** What the developers' kubectl helpers (`nestor logs|port-forward|exec`) may do in the environment. */
export const Helpers = Type.Object(
  {
    exec: Type.Optional(Type.Boolean({ description: 'true or false, whether `nestor exec` may run in the apps\' pods (default: false where the environment needs approval, true elsewhere)' })),
  },
  strict,
);

export const ProjectFile = Type.Object(
  {
    project: Type.Optional(dnsName('the project name')),
    env: Type.Optional(dnsName('the environment name, equal to its folder')),
    parent: Type.Optional(dnsName('the parent environment')),
    domain: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 })),
    approval: Type.Optional(Type.Union([Approval, Type.Null()])),
    access: Type.Optional(Type.Union([Access, Type.Null()])),
    run: Type.Optional(Type.Union([RunSettings, Type.Null()])),
    docker: Type.Optional(
      Type.Object(
        {
          build: Type.Optional(Type.Union([ImageBuild, Type.Null()])),
          registries: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Array(Registry, { minItems: 1 }))),
        },
        strict,
      ),
    ),
    deployments: Type.Optional(
      Type.Object({ kubernetes: Type.Optional(Type.Array(ClusterDeployment, { minItems: 1 })) }, strict),
    ),
    variables: Type.Optional(Variables),
    templateVars: Type.Optional(TemplateVars),
    monitoring: Type.Optional(Type.Union([Monitoring, Type.Null()])),
    ingress: Type.Optional(Ingress),
    release: Type.Optional(Type.Union([TrackedRelease, Type.Null()])),
    workflow: Type.Optional(Type.Union([keyedBy(BRANCH_NAME, 'a branch name such as master', Type.Union([WorkflowStep, Type.Null()])), Type.Null()])),
    datastores: Type.Optional(Datastores),
    datastore_snapshots: Type.Optional(DatastoreSnapshots),
    schedules: Type.Optional(keyedBy(SCHEDULE_NAME, 'a schedule name (lowercase letters, digits and -)', Type.Union([Schedule, Type.Null()]))),
    helpers: Type.Optional(Type.Union([Helpers, Type.Null()])),
    slack: Type.Optional(
      Type.Object(
        {
          token: Type.Optional(Type.String()),
          channels: Type.Optional(
            Type.Object({ info: Type.Optional(Type.String({ minLength: 1 })), error: Type.Optional(Type.String({ minLength: 1 })) }, strict),
          ),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const CronSpec = Type.Object(
  {
    schedule: Type.String({ format: 'cron', description: 'a five-field cron expression' }),
    command: Type.String({ minLength: 1 }),
  },
  strict,
);

export const AppFile = Type.Object(
  {
    app: Type.Optional(dnsName('the app name, equal to its file name')),
    git: Type.Optional(
      Type.Object({ origin: Type.String({ minLength: 1 }), branch: Type.Optional(Type.String({ minLength: 1 })) }, strict),
    ),
    is_enabled: Type.Optional(Type.Boolean()),
    run: Type.Optional(Type.Union([RunSettings, Type.Null()])),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    processes: Type.Optional(Type.Union([PerProcess(Type.Union([Type.String({ minLength: 1 }), Type.Null()])), Type.Null()])),
    crons: Type.Optional(Type.Union([PerProcess(Type.Union([CronSpec, Type.Null()])), Type.Null()])),
    resources: Type.Optional(PerProcess(Resources)),
    scales: Type.Optional(PerProcess(Scale)),
    nodeSelector: Type.Optional(PerProcess(stringMap())),
    anti_affinity: Type.Optional(AntiAffinity),
    teams: Type.Optional(Type.Array(dnsName('a team name'))),
    variables: Type.Optional(Variables),
    secrets: Type.Optional(Type.Array(Type.String({ pattern: ENV_KEY }))),
    templateVars: Type.Optional(TemplateVars),
    ingress: Type.Optional(Ingress),
    datastores: Type.Optional(Datastores),
  },
  strict,
);

export type ProjectFileConfig = Static<typeof ProjectFile>;
export type AppFileConfig = Static<typeof AppFile>;
export type ClusterDeploymentConfig = Static<typeof ClusterDeployment>;
export type ScaleConfig = Static<typeof Scale>;
export type ResourcesConfig = Static<typeof Resources>;
export type VariablesConfig = Static<typeof Variables>;
export type TemplateVarsConfig = Static<typeof TemplateVars>;
export type MonitoringConfig = Static<typeof Monitoring>;
export type AlertRoutingConfig = Static<typeof AlertRouting>;
export type CronConfig = Static<typeof CronSpec>;
export type ScheduleConfig = Static<typeof Schedule>;
export type WorkflowStepConfig = Static<typeof WorkflowStep>;
export type ScheduleKindName = (typeof SCHEDULE_KINDS)[number];
export type TrackedReleaseConfig = Static<typeof TrackedRelease>;
export type VersionSyncConfig = Static<typeof VersionSync>;
export type DatastoreConfig = Static<typeof Datastore>;
export type DatastoreKindName = (typeof DATASTORE_KINDS)[number];

/** What the merge of every layer gives for one app in one environment. */
export type MergedConfig = ProjectFileConfig & AppFileConfig;
