// What an approval request approves, in words an approver can check without another tool: the
// commits between the running release and the requested one, the config keys that change, and
// the objects a release would create, update and delete. Computed by the bot when the request is
// made: it has the config and the app's repository but no cluster, so the objects are compared
// with the manifests the running release recorded in the history, not with what is live. Secret
// objects are left out (their values live in the cluster): secret keys show by name only. What
// cannot be computed is said in `notes`; it never fails the request.
import { isNestorError } from '../errors.js';
import { appConfig, type Environment } from '../config/index.js';
import { inheritedConfig, setScales, setVariables, unsetVariables } from '../config/edit-app-file.js';
import type { Job } from '../jobs/job-schema.js';
import type { KubeObject } from '../ports/cluster.js';
import type { ConfigSource, LoadedConfig } from '../ports/config-source.js';
import type { Release, ReleaseHistory } from '../ports/release-history.js';
import type { SourceRepo } from '../ports/source-repo.js';
import { renderConfiguredApp } from '../render/index.js';
import type { ClusterManifests } from '../render/types.js';
import { appFilePath, treeWithFile } from '../release/config-change-steps.js';
import { diffRelease, objectKey } from '../release/diff.js';
import { manifestsOf } from '../release/restore-release.js';

/** Kept in the request (and so in the store): longer lists keep their count only. */
export const DETAIL_LIMIT = 10;
const VALUE_LIMIT = 60;

export interface KeyChange {
  key: string;
  change: 'added' | 'changed' | 'removed';
  /** Clear values only; never set for a secret. */
  before?: string;
  after?: string;
  secret?: boolean;
}

export interface ClusterChanges {
  cluster: string;
  create: string[];
  update: string[];
  delete: string[];
  unchanged: number;
}

export interface ApprovalDetails {
  /** The release running now; absent when there is none. */
  running?: { sha: string; ref?: string };
  /** Commits the change brings, or (a rollback) takes out; newest first, at most DETAIL_LIMIT. */
  commits?: { direction: 'adds' | 'removes'; shown: { sha: string; subject: string }[]; total: number };
  /** At most 2 × DETAIL_LIMIT; `configTotal` counts them all. */
  config: KeyChange[];
  configTotal: number;
  /** Per cluster; names at most DETAIL_LIMIT per list (the counts are whole). */
  objects: (ClusterChanges & { counts: { create: number; update: number; delete: number } })[];
  notes: string[];
}

export interface DetailDeps {
  config: ConfigSource;
  source: SourceRepo;
  history: ReleaseHistory;
  /** For `$NAME` values; missing names leave the object diff out. */
  environment?: Environment;
}

type AppJob = Exclude<Job, { kind: 'datastore' | 'ci-success' | 'report' | 'run' | 'datastore-list' }>;

const reason = (error: unknown): string => (isNestorError(error) ? error.userMessage : error instanceof Error ? error.message : String(error));

export async function approvalDetails(deps: DetailDeps, job: Job, sha: string): Promise<ApprovalDetails> {
  const details: ApprovalDetails = { config: [], configTotal: 0, objects: [], notes: [] };
  if (job.kind === 'datastore' || job.kind === 'ci-success' || job.kind === 'report' || job.kind === 'datastore-list') return details;
  if (job.kind === 'run') return runDetails(deps, job, details);
  try {
    const loaded = await deps.config.load();
    const running = await deps.history.get(job.app, job.env).catch(() => {
      details.notes.push('the release history could not be read: nothing to compare with');
      return null;
    });
    if (running) details.running = { sha: running.sha, ...(running.ref ? { ref: running.ref } : {}) };
    else if (running === undefined) details.notes.push(`nothing runs in ${job.env} yet: everything is new`);
    const origin = appConfig(loaded.tree, job.app, job.env).config.git?.origin;
    if (running && origin && running.sha !== sha) details.commits = await commitsBetween(deps.source, origin, job, running.sha, sha, details.notes);
    if (running === null) return details;
    const proposed = await proposedManifests(deps, loaded, job, running, sha, origin);
    if (proposed === undefined) details.notes.push(`nothing runs in ${job.env} yet: the change is committed only`);
    else compare(details, proposed, running ? manifestsOf(running, new Map(), job.env) : []);
  } catch (error) {
    details.notes.push(`what changes could not be computed: ${reason(error)}`);
  }
  return details;
}

/** A one-off process applies nothing: what it runs in is the release that runs now. */
async function runDetails(deps: DetailDeps, job: Extract<Job, { kind: 'run' }>, details: ApprovalDetails): Promise<ApprovalDetails> {
  const running = await deps.history.get(job.app, job.env).catch(() => undefined);
  if (running) details.running = { sha: running.sha, ...(running.ref ? { ref: running.ref } : {}) };
  details.notes.push(running
    ? `runs the command once, as a Job in the image and config of the release running in ${job.env}; applies nothing else`
    : `nothing runs in ${job.env} yet: the command will be refused`);
  return details;
}

async function commitsBetween(source: SourceRepo, origin: string, job: AppJob, running: string, sha: string, notes: string[]): Promise<ApprovalDetails['commits']> {
  const back = job.kind === 'rollback';
  try {
    const commits = await source.changelog(origin, back ? sha : running, back ? running : sha, 200);
    return { direction: back ? 'removes' : 'adds', shown: commits.slice(0, DETAIL_LIMIT).map(({ sha: s, subject }) => ({ sha: s, subject: firstLine(subject) })), total: commits.length };
  } catch {
    notes.push('commits unavailable: the git origin could not be read');
    return undefined;
  }
}

const firstLine = (text: string): string => cut(text.split('\n')[0] ?? '', 100);
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** What the job would apply, per cluster; undefined when it would apply nothing (a config change to an app not running). */
async function proposedManifests(deps: DetailDeps, loaded: LoadedConfig, job: AppJob, running: Release | undefined, sha: string, origin: string | undefined): Promise<ClusterManifests[] | undefined> {
  const { app, env } = job;
  if (job.kind === 'rollback') {
    const target = job.commit ? await deps.history.get(app, env, job.commit) : await deps.history.previous(app, env);
    return target ? manifestsOf(target, new Map(), env) : [];
  }
  if (job.kind !== 'deploy' && !running) return undefined;
  const tree = job.kind === 'deploy' ? loaded.tree : editedTree(loaded, job);
  const version = job.kind === 'deploy' ? { sha, ref: job.ref } : { sha: running!.sha, ...(running!.ref ? { ref: running!.ref } : {}) };
  const [procfile, cronfile] = origin
    ? await Promise.all([deps.source.readFile(origin, version.sha, 'Procfile'), deps.source.readFile(origin, version.sha, 'Cronfile')])
    : [undefined, undefined];
  return renderConfiguredApp({
    tree, templates: loaded.templates, app, env, version, environment: deps.environment ?? {},
    ...(procfile === undefined ? {} : { procfile }),
    ...(cronfile === undefined ? {} : { cronfile }),
  }).clusters;
}

/** The config tree with the job's edit of the app file made, as the worker will make it. */
function editedTree(loaded: LoadedConfig, job: Extract<Job, { kind: 'scale' | 'config-set' | 'config-unset' }>) {
  const { app, env } = job;
  const path = appFilePath(app, env);
  const text = loaded.tree.environments.get(env)?.apps.get(app)?.file.text;
  const context = { path, inherited: inheritedConfig(loaded.tree, app, env) };
  const next = job.kind === 'scale'
    ? setScales(text, job.specs, context)
    : job.kind === 'config-set' ? setVariables(text, job.group ?? 'app', { ...job.values }, context) : unsetVariables(text, job.keys, context);
  return treeWithFile(loaded.tree, path, next);
}

const notSecret = (o: KubeObject): boolean => o.kind !== 'Secret';

function compare(details: ApprovalDetails, proposed: readonly ClusterManifests[], recorded: readonly ClusterManifests[]): void {
  const clusters = [...new Set([...proposed.map((c) => c.cluster), ...recorded.map((c) => c.cluster)])];
  for (const cluster of clusters) {
    const fresh = (proposed.find((c) => c.cluster === cluster)?.objects ?? []).filter(notSecret);
    const before = (recorded.find((c) => c.cluster === cluster)?.objects ?? []).filter(notSecret);
    const freshKeys = new Set(fresh.map(objectKey));
    const diff = diffRelease(fresh, new Map(before.map((o) => [objectKey(o), o])), before.filter((o) => !freshKeys.has(objectKey(o))));
    const of = (kind: string) => diff.changes.filter((c) => c.change === kind).map((c) => c.object);
    const [create, update, remove] = [of('create'), of('update'), of('delete')];
    details.objects.push({
      cluster, create: create.slice(0, DETAIL_LIMIT), update: update.slice(0, DETAIL_LIMIT), delete: remove.slice(0, DETAIL_LIMIT),
      unchanged: of('unchanged').length, counts: { create: create.length, update: update.length, delete: remove.length },
    });
  }
  const all = (side: readonly ClusterManifests[]) => side.flatMap((c) => c.objects);
  const keys = keyChanges(all(recorded), all(proposed));
  details.config = keys.slice(0, DETAIL_LIMIT * 2);
  details.configTotal = keys.length;
}

/** Clear variables (ConfigMap data) with their values, then secret keys (referenced by containers) by name only. */
function keyChanges(before: readonly KubeObject[], after: readonly KubeObject[]): KeyChange[] {
  const values = (objects: readonly KubeObject[]) => {
    const out = new Map<string, string>();
    for (const o of objects) if (o.kind === 'ConfigMap') for (const [k, v] of Object.entries((o['data'] ?? {}) as Record<string, string>)) out.set(k, String(v));
    return out;
  };
  const [was, now] = [values(before), values(after)];
  const changes: KeyChange[] = [];
  for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const [b, a] = [was.get(key), now.get(key)];
    if (b === a) continue;
    changes.push({
      key, change: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed',
      ...(b === undefined ? {} : { before: cut(b, VALUE_LIMIT) }), ...(a === undefined ? {} : { after: cut(a, VALUE_LIMIT) }),
    });
  }
  const [hadSecrets, hasSecrets] = [secretKeys(before), secretKeys(after)];
  for (const key of [...hasSecrets].filter((k) => !hadSecrets.has(k)).sort()) changes.push({ key, change: 'added', secret: true });
  for (const key of [...hadSecrets].filter((k) => !hasSecrets.has(k)).sort()) changes.push({ key, change: 'removed', secret: true });
  return changes;
}

/** Keys of `secretKeyRef`s anywhere in the objects. */
function secretKeys(objects: readonly KubeObject[]): Set<string> {
  const keys = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const ref = (value as { secretKeyRef?: { key?: unknown } }).secretKeyRef;
    if (typeof ref?.key === 'string') keys.add(ref.key);
    Object.values(value).forEach(walk);
  };
  objects.forEach(walk);
  return keys;
}
