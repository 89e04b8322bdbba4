// `help`, `envs`, `history`, `status` and `schedules` answered at once, without a job: from the
// config, the release history, the clusters and the scheduler's queue and run records. A cluster
// that cannot be read (or none given) leaves its replicas out.
import type { Command } from './command.js';
import { envsReply, helpReply, historyReply, schedulesReply, schedulesUnavailableReply, statusReply, type HistoryEntry, type Message, type StatusRow } from './replies.js';
import { appConfig, appsOf, type ConfigTree } from '../config/index.js';
import type { ClusterProvider } from '../ports/cluster.js';
import type { Pin, ReleaseHistory, ReleaseSummary } from '../ports/release-history.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { ScheduleDeps } from '../schedules/schedule-listing.js';
import { listSchedules } from '../schedules/schedule-listing.js';
import { environmentPolicy } from './environment-policy.js';
import { compareText } from '../text/compare-text.js';

const INFO_KINDS = ['help', 'envs', 'status', 'history', 'schedules'] as const;
export type InfoCommand = Extract<Command, { kind: (typeof INFO_KINDS)[number] }>;

export function isInfo(command: Command): command is InfoCommand {
  return (INFO_KINDS as readonly string[]).includes(command.kind);
}

const HISTORY_LIMIT = 10;

/** The environments where the app has a file, or just `env` when given. */
export function envsOfApp(tree: ConfigTree, app: string, env: string | undefined): string[] {
  if (env !== undefined) return [env];
  return [...tree.environments.keys()].filter((e) => appsOf(tree, e).includes(app)).sort();
}

/** What the answers read: Slack's bot and the shell both have these. */
export interface InfoServices {
  config: ConfigSource;
  history: ReleaseHistory;
  /** For `status`: replicas ready per environment; without it, status shows none. */
  clusters?: ClusterProvider;
  /** For `schedules`: the workers' schedule queue and run records. */
  schedules?: Omit<ScheduleDeps, 'config'>;
  /** For `schedules`: the next firings are computed from now. */
  now?: () => Date;
}

export async function infoAnswer(services: InfoServices, command: InfoCommand): Promise<Message> {
  if (command.kind === 'help') return helpReply(command.topic);
  if (command.kind === 'schedules') {
    if (!services.schedules) return schedulesUnavailableReply();
    return schedulesReply(await listSchedules({ config: services.config, ...services.schedules }, services.now?.() ?? new Date()));
  }
  const { tree } = await services.config.load();
  if (command.kind === 'envs') return envsReply(environmentRows(tree));
  if (command.kind === 'history') {
    return historyReply(command.app, command.env, await historyEntries(services.history, command.app, envsOfApp(tree, command.app, command.env)));
  }
  return statusReply(command.app, (await statusesIn(services, tree, command.app, command.env)).map(statusRow));
}

/** Each environment: its parent, whether changes there need approval, whether its access is restricted. */
export function environmentRows(tree: ConfigTree): { name: string; parent?: string; approval: boolean; restricted: boolean }[] {
  return [...tree.environments.values()].map((node) => {
    const policy = environmentPolicy(tree, node.name);
    return { name: node.name, ...(node.parent ? { parent: node.parent } : {}), approval: Boolean(policy.approval), restricted: Boolean(policy.access) };
  });
}

async function historyEntries(history: ReleaseHistory, app: string, envs: readonly string[]): Promise<HistoryEntry[]> {
  const lists = await Promise.all(envs.map((env) => history.list(app, env, HISTORY_LIMIT)));
  return lists.flat()
    .sort((a, b) => compareText(b.at, a.at))
    .slice(0, HISTORY_LIMIT)
    .map((r) => ({ commit: r.commit, at: r.at, by: r.user, env: r.env, what: withoutAuthor(r.message, r.user) }));
}

/** History messages end with `by <user>`; the reply says who on its own. */
function withoutAuthor(message: string, user: string): string {
  const suffix = ` by ${user}`;
  return message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
}

/** What runs in one environment: the latest release, the pin, the replicas (when the clusters can be read). */
export interface AppStatus {
  env: string;
  release?: ReleaseSummary;
  pin?: Pin;
  replicas?: { ready: number; desired: number };
}

/** The status of an app in `env`, or in every environment with a file for it. */
export async function appStatuses(services: InfoServices, app: string, env: string | undefined): Promise<AppStatus[]> {
  return statusesIn(services, (await services.config.load()).tree, app, env);
}

function statusesIn(services: InfoServices, tree: ConfigTree, app: string, env: string | undefined): Promise<AppStatus[]> {
  return Promise.all(envsOfApp(tree, app, env).map((e) => appStatus(services, tree, app, e)));
}

async function appStatus(services: InfoServices, tree: ConfigTree, app: string, env: string): Promise<AppStatus> {
  const [latest, pin] = await Promise.all([services.history.list(app, env, 1), services.history.getPin(app, env)]);
  const release = latest[0];
  const replicas = services.clusters ? await liveReplicas(services.clusters, tree, app, env).catch(() => undefined) : undefined;
  return { env, ...(release ? { release } : {}), ...(replicas ? { replicas } : {}), ...(pin ? { pin } : {}) };
}

function statusRow({ env, release, replicas, pin }: AppStatus): StatusRow {
  return {
    env,
    ...(release ? { sha: release.sha, releasedAt: release.at, by: release.user, ...(release.ref ? { ref: release.ref } : {}) } : {}),
    ...(replicas ? { replicas } : {}),
    ...(pin ? { pinned: `${pin.reason} (by ${pin.by})` } : {}),
  };
}

interface DeploymentCounts { spec?: { replicas?: number }; status?: { readyReplicas?: number } }

async function liveReplicas(clusters: ClusterProvider, tree: ConfigTree, app: string, env: string): Promise<StatusRow['replicas']> {
  const targets = appConfig(tree, app, env).config.deployments?.kubernetes ?? [];
  let ready = 0;
  let desired = 0;
  for (const target of targets) {
    const cluster = clusters.cluster(target.context ?? target.cluster_name);
    const query = { namespace: target.namespace ?? env, kinds: [{ apiVersion: 'apps/v1', kind: 'Deployment' }], labelSelector: `app=${app}` };
    for (const d of (await cluster.list(query)) as DeploymentCounts[]) {
      desired += d.spec?.replicas ?? 0;
      ready += d.status?.readyReplicas ?? 0;
    }
  }
  return desired === 0 && ready === 0 ? undefined : { ready, desired };
}
